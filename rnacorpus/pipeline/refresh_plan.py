"""Refresh planning, pure: which update-date window to ask the archive for, and where the watermark
may move afterwards. No I/O here, so every rule is a unit test away.

The watermark of a source is the last-update date of the newest study the catalog holds *with every
study the archive reported before it loaded too*. A refresh asks for ``[watermark - lag_days, ∞)``:
Entrez indexes updates late, so the overlap catches a study stamped before the watermark but listed
only after the previous run; the studies re-read at the boundary cost a conditional request each and
come out "unchanged" by content hash (dlt's boundary de-duplication, done by the hash).

After the loads, :func:`next_watermark` moves it to the newest date among the window's studies that
are now loaded or unchanged, but never past a study that failed: such a study limits the watermark
to its own date when its files told us that date, and holds it where it was otherwise. Either way the
next window (``watermark - lag_days`` onwards) starts at or before the failed study and retries it.
The watermark never moves backwards; so a ``--since`` far below it re-reads old studies without
rewinding it, and a failure down there stays in the quarantine for ``--retry-quarantined``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rnacorpus.errors import ConfigError

__all__ = ["DEFAULT_CHECK_LIMIT", "DEFAULT_LAG_DAYS", "RefreshWindow", "next_watermark", "plan_refresh"]

#: overlap re-read before the watermark; Entrez's update index trails GEO's own stamps by days
DEFAULT_LAG_DAYS = 3
#: held studies re-checked per run by ``--check-withdrawn`` (each costs a few conditional requests,
#: paced by the archive's rate limit); the ones checked longest ago go first, so runs rotate
DEFAULT_CHECK_LIMIT = 100

Basis = Literal["since", "watermark", "catalog"]


@dataclass(frozen=True)
class RefreshWindow:
    """The last-update window one refresh asks the archive for (both ends inclusive)."""

    start: dt.date
    #: None: open-ended (everything updated since ``start``); a date: a backfill window (``--until``)
    end: dt.date | None
    #: where ``start`` came from: ``--since``, the stored watermark, or the catalog's newest study
    basis: Basis
    #: the stored watermark before this run (None on a first refresh)
    watermark: dt.date | None
    #: the lowest value the watermark may take after this run (it never moves backwards)
    base: dt.date

    @property
    def stateless(self) -> bool:
        """A bounded backfill (``--until``) leaves the watermark alone, like dlt's ``end_value``."""
        return self.end is not None


def plan_refresh(
    watermark: dt.date | None,
    *,
    now: dt.date,
    lag_days: int = DEFAULT_LAG_DAYS,
    since: dt.date | None = None,
    until: dt.date | None = None,
    catalog_newest: dt.date | None = None,
) -> RefreshWindow:
    """The window of this run.

    Start: ``since`` when given (taken as is); else the stored watermark minus ``lag_days``; else, on
    a first refresh of a catalog a harvest built, the newest ``last_update`` the catalog holds for
    this archive minus ``lag_days``. With none of them there is no safe start: the caller must say.
    """
    if lag_days < 0:
        raise ConfigError(f"--lag-days must be 0 or more, got {lag_days}")
    lag = dt.timedelta(days=lag_days)
    basis: Basis
    if since is not None:
        start, basis, base = since, "since", watermark or since
    elif watermark is not None:
        start, basis, base = watermark - lag, "watermark", watermark
    elif catalog_newest is not None:
        start, basis, base = catalog_newest - lag, "catalog", catalog_newest
    else:
        raise ConfigError(
            "no watermark yet and the catalog holds no study of this archive: give --since DATE for the first refresh"
        )
    if start > now:
        raise ConfigError(f"the refresh window starts in the future ({start.isoformat()})")
    if until is not None and until < start:
        raise ConfigError(f"--until {until.isoformat()} is before the window start {start.isoformat()}")
    return RefreshWindow(start=start, end=until, basis=basis, watermark=watermark, base=base)


def next_watermark(window: RefreshWindow, done: Iterable[dt.date | None], failed: Iterable[dt.date | None]) -> dt.date:
    """Where the watermark goes once every load of the run has committed.

    ``done``: last-update dates of the window's studies now loaded or unchanged (None: unknown, then
    ignored). ``failed``: dates of the window's studies that failed (None: the failure came before
    the date was known, e.g. at fetch). Monotonic: never below ``window.base``.
    """
    failed_dates = list(failed)
    if any(date is None for date in failed_dates):
        return window.base  # a failure of unknown date could sit anywhere in the window: hold
    limit = min((d for d in failed_dates if d is not None), default=None)
    reachable = [d for d in done if d is not None and (limit is None or d <= limit)]
    return max([window.base, *reachable])
