"""What a refresh is asked (:class:`RefreshRequest`, the CLI's options) and what it reports.

:class:`RefreshReport` is a run report plus each source's window and watermark
(:class:`SourceRefresh`) and the recovery it did (interrupted runs, a dead holder's lock); its
``to_dict`` is what the run log stores and ``--json`` prints. :mod:`.refresh` runs the refresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rnacorpus.pipeline.refresh_plan import DEFAULT_CHECK_LIMIT, DEFAULT_LAG_DAYS, RefreshWindow
from rnacorpus.pipeline.report import RunReport

__all__ = ["RefreshReport", "RefreshRequest", "SourceRefresh"]


@dataclass(frozen=True)
class RefreshRequest:
    """What one refresh was asked to do (the CLI's options). ``source`` None: every source."""

    source: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    lag_days: int = DEFAULT_LAG_DAYS
    query: str | None = None
    organism: str | None = None
    study_type: str | None = None
    retry_quarantined: bool = False
    check_withdrawn: bool = False
    check_limit: int = DEFAULT_CHECK_LIMIT

    def command_line(self) -> str:
        parts = ["refresh", *(["--source", self.source] if self.source else []), "--lag-days", str(self.lag_days)]
        for option, value in (("--since", self.since), ("--until", self.until)):
            if value is not None:
                parts += [option, value.isoformat()]
        for option, text in (("--query", self.query), ("--organism", self.organism), ("--type", self.study_type)):
            if text:
                parts += [option, text]
        if self.retry_quarantined:
            parts.append("--retry-quarantined")
        if self.check_withdrawn:
            parts += ["--check-withdrawn", "--check-limit", str(self.check_limit)]
        return " ".join(parts)


@dataclass
@dataclass
class SourceRefresh:
    """One source's part of a refresh: its window, or why it was left out, and where its watermark went."""

    window: RefreshWindow | None = None
    skipped: str | None = None
    watermark_after: dt.date | None = None
    discovered: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            **_window_fields(self.window, self.watermark_after),
            "discovered": self.discovered,
            "skipped": self.skipped,
        }


@dataclass
class RefreshReport(RunReport):
    """A run report plus each source's window and watermark, and what recovery happened.

    ``source``, ``window`` and ``watermark_after`` describe the first source that ran (the only one
    for ``--source``); ``sources`` holds every source's part.
    """

    source: str = "geo"
    window: RefreshWindow | None = None
    watermark_after: dt.date | None = None
    sources: dict[str, SourceRefresh] = field(default_factory=dict)
    #: runs left 'running' by processes that died, marked 'interrupted' by this one
    interrupted: list[str] = field(default_factory=list)
    #: the holder record of a lock whose process died (recovered by this run)
    recovered_lock: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["refresh"] = {
            "source": self.source,
            **_window_fields(self.window, self.watermark_after),
            "sources": {name: part.to_dict() for name, part in self.sources.items()},
            "interrupted_runs": self.interrupted,
            "recovered_lock": self.recovered_lock,
        }
        return data


def _window_fields(window: RefreshWindow | None, watermark_after: dt.date | None) -> dict[str, Any]:
    """A window and the watermark it left, as the run log and ``--json`` show them."""
    return {
        "window_from": window.start.isoformat() if window else None,
        "window_to": window.end.isoformat() if window and window.end else None,
        "basis": window.basis if window else None,
        "watermark_before": window.watermark.isoformat() if window and window.watermark else None,
        "watermark_after": watermark_after.isoformat() if watermark_after else None,
    }
