"""Dates as EBI archives print them: ``2014-10-31``, ``2013-02-27T00:00:00Z``, ``2018-03-26 13:42:25``."""

from __future__ import annotations

import datetime as dt

__all__ = ["iso_date"]


def iso_date(text: object) -> dt.date | None:
    """The calendar day an ISO date or timestamp starts with; None for nothing or anything else."""
    if text is None:
        return None
    value = str(text).strip()[:10]
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
