"""Refresh: bring the catalog up to date with what the archive changed since the last run.

Steps (DESIGN §7), each a named part of :func:`refresh`:

1. take the catalog's run lock (:mod:`.lock`) — a second refresh or harvest exits 2 at once;
2. read the state: stored watermark, the catalog's newest study, the quarantine (:func:`read_state`);
3. plan the window (:func:`.refresh_plan.plan_refresh`, pure);
4. close runs that died ('interrupted'), open this run's log row;
5. discover the studies the archive says were updated in the window (E-utilities ``[MDAT]``), plus
   quarantined ones (``--retry-quarantined``) and a bounded, rotating set of held studies to re-check
   (``--check-withdrawn``);
6. fetch each with revalidation — a conditional request per cached file, 304 when unchanged — and
   parse/load only what the content hash says changed; a held study the archive no longer serves at
   all is tombstoned (``studies.withdrawn``), never deleted;
7. after every load has committed, move the watermark (:func:`.refresh_plan.next_watermark`) in the
   same transaction that closes the run log row.

A refresh over an unchanged archive writes nothing but its run log (``runs``, ``run_items``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.runs import finish_run, get_watermark, new_run_id, set_watermark
from rnacorpus.config import Config
from rnacorpus.errors import ConfigError, LockedError, RnacorpusError
from rnacorpus.harvester.base import DiscoveryQuery, StudyRef, get_source, source_names
from rnacorpus.harvester.http import HttpClient
from rnacorpus.pipeline.harvest import RunOptions, plan_studies, run_studies, start_run
from rnacorpus.pipeline.lock import run_lock
from rnacorpus.pipeline.refresh_plan import (
    DEFAULT_CHECK_LIMIT,
    DEFAULT_LAG_DAYS,
    RefreshWindow,
    next_watermark,
    plan_refresh,
)
from rnacorpus.pipeline.report import NullProgress, Progress, RunReport
from rnacorpus.pipeline.worker import StudyManifest

__all__ = [
    "DEFAULT_CHECK_LIMIT",
    "DEFAULT_LAG_DAYS",
    "RefreshReport",
    "RefreshRequest",
    "RefreshState",
    "read_state",
    "recheck_candidates",
    "refresh",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshRequest:
    """What one refresh was asked to do (the CLI's options)."""

    source: str = "geo"
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
        parts = ["refresh", "--source", self.source, "--lag-days", str(self.lag_days)]
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


@dataclass(frozen=True)
class RefreshState:
    """What the catalog says before a refresh plans its window."""

    watermark: dt.date | None = None
    catalog_newest: dt.date | None = None
    quarantined: tuple[str, ...] = ()


@dataclass
class RefreshReport(RunReport):
    """A run report plus the window, the watermark before/after and what recovery happened."""

    source: str = "geo"
    window: RefreshWindow | None = None
    watermark_after: dt.date | None = None
    #: runs left 'running' by processes that died, marked 'interrupted' by this one
    interrupted: list[str] = field(default_factory=list)
    #: the holder record of a lock whose process died (recovered by this run)
    recovered_lock: str | None = None

    def to_dict(self) -> dict[str, Any]:
        window = self.window
        data = super().to_dict()
        data["refresh"] = {
            "source": self.source,
            "window_from": window.start.isoformat() if window else None,
            "window_to": window.end.isoformat() if window and window.end else None,
            "basis": window.basis if window else None,
            "watermark_before": window.watermark.isoformat() if window and window.watermark else None,
            "watermark_after": self.watermark_after.isoformat() if self.watermark_after else None,
            "interrupted_runs": self.interrupted,
            "recovered_lock": self.recovered_lock,
        }
        return data


def read_state(con: duckdb.DuckDBPyConnection, source: str) -> RefreshState:
    newest = con.execute(
        "SELECT max(last_update) FROM studies WHERE archive = ? AND NOT coalesce(withdrawn, false)", [source]
    ).fetchone()
    quarantined = con.execute("SELECT accession FROM quarantine ORDER BY accession").fetchall()
    return RefreshState(
        watermark=get_watermark(con, source),
        catalog_newest=newest[0] if newest else None,
        quarantined=tuple(str(row[0]) for row in quarantined),
    )


def recheck_candidates(
    con: duckdb.DuckDBPyConnection, source: str, exclude: Sequence[str], limit: int
) -> list[StudyRef]:
    """Held studies to re-check, the ones no run has looked at for longest first.

    Withdrawn ones are included: a series GEO serves again (files back, same dates, so no search
    lists it) becomes visible again. The run log is the rotation state: ``run_items`` records every
    study a run processed, so a bounded check per run reaches every study over successive runs.
    """
    rows = con.execute(
        """
        SELECT s.accession
        FROM studies s
        LEFT JOIN (SELECT accession, max(finished) AS seen FROM run_items GROUP BY accession) r
               ON r.accession = s.accession
        WHERE s.archive = ? AND s.accession NOT IN (SELECT unnest(?))
        ORDER BY r.seen NULLS FIRST, s.accession
        LIMIT ?
        """,
        [source, list(exclude), limit],
    ).fetchall()
    return [StudyRef(accession=str(row[0]), source=source) for row in rows]


def refresh(
    request: RefreshRequest | None = None,
    *,
    config: Config,
    client: HttpClient | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> RefreshReport:
    """Refresh the catalog from one source. The Python API behind ``rnacorpus refresh``.

    Never raises for a run that could not proceed: ``report.fatal`` says why (exit code 2).
    """
    req = request or RefreshRequest()
    report = RefreshReport(run_id=new_run_id(), command="refresh", catalog=str(config.catalog_path), source=req.source)
    try:
        with run_lock(config.catalog_path, req.command_line()) as lock:
            if lock.recovered is not None:
                report.recovered_lock = lock.recovered.describe()
            _refresh_locked(report, req, config, client, progress, today or dt.datetime.now(dt.UTC).date())
    except LockedError as exc:  # the holder owns the catalog: touch nothing, not even the run log
        report.fatal = str(exc)
    return report


def _plan(config: Config, req: RefreshRequest, today: dt.date) -> tuple[RefreshWindow, RefreshState]:
    if req.source not in source_names():
        raise ConfigError(f"unknown source {req.source!r}; known sources: {', '.join(source_names())}")
    if config.offline:
        raise ConfigError("refresh asks the archive what changed; it cannot run --offline")
    if req.check_limit < 0:
        raise ConfigError(f"--check-limit must be 0 or more, got {req.check_limit}")
    state = RefreshState()
    if config.catalog_path.exists():
        with writer(config.catalog_path) as con:
            state = read_state(con, req.source)
    window = plan_refresh(
        state.watermark,
        now=today,
        lag_days=req.lag_days,
        since=req.since,
        until=req.until,
        catalog_newest=state.catalog_newest,
    )
    return window, state


def _refresh_locked(
    report: RefreshReport,
    req: RefreshRequest,
    config: Config,
    client: HttpClient | None,
    progress: Progress | None,
    today: dt.date,
) -> None:
    try:
        report.window, state = _plan(config, req, today)
    except RnacorpusError as exc:  # nothing is written for a run that cannot even plan
        report.fatal = str(exc)
        return
    window = report.window
    log.info("refresh %s: window %s .. %s (%s)", req.source, window.start, window.end or "now", window.basis)
    http = client if client is not None else HttpClient(config)
    dates: dict[str, dt.date | None] = {}
    in_window: list[str] = []
    status = "error"
    try:
        report.interrupted = start_run(config, report.run_id, req.command_line())
        refs, in_window = _work_list(config, req, window, state, http)
        report.results = run_studies(
            refs,
            config=config,
            client=http,
            run_id=report.run_id,
            progress=progress or NullProgress(),
            options=RunOptions(revalidate=True, tombstone_gone=True),
            on_prepared=lambda prepared: _remember_date(dates, prepared),
        )
        if http.outage is not None:  # the window is not done: the watermark stays
            raise http.outage
        status = "failed" if report.failed else "ok"
    except RnacorpusError as exc:
        report.fatal = str(exc)
    finally:
        if client is None:
            http.close()
    _finish(config, report, status, in_window, dates)


def _remember_date(dates: dict[str, dt.date | None], manifest: StudyManifest) -> None:
    dates[manifest.accession] = manifest.last_update


def _work_list(
    config: Config, req: RefreshRequest, window: RefreshWindow, state: RefreshState, http: HttpClient
) -> tuple[list[StudyRef], list[str]]:
    """The run's studies (window first, then quarantine retries, then re-checks) and the window's own."""
    query = DiscoveryQuery(
        text=req.query, since=window.start, until=window.end, organism=req.organism, study_type=req.study_type
    )
    discovered = list(get_source(req.source, http, config).discover(query))
    retry = list(state.quarantined) if req.retry_quarantined else []
    refs = plan_studies([], discovered, retry)
    recheck: list[StudyRef] = []
    if req.check_withdrawn and req.check_limit > 0:
        with writer(config.catalog_path) as con:
            recheck = recheck_candidates(con, req.source, [r.accession for r in refs], req.check_limit)
    log.info(
        "refresh: %d updated in the window, %d quarantined to retry, %d held studies to re-check",
        len(discovered),
        len(retry),
        len(recheck),
    )
    return refs + recheck, [ref.accession for ref in discovered]


def _finish(
    config: Config,
    report: RefreshReport,
    status: str,
    in_window: Sequence[str],
    dates: dict[str, dt.date | None],
) -> None:
    """Move the watermark (after every load committed) and close the run log, in one transaction."""
    window = report.window
    try:
        with writer(config.catalog_path) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                if status != "error" and window is not None and not window.stateless:
                    report.watermark_after = _advance(con, report, window, in_window, dates)
                finish_run(con, report.run_id, status=status, counts=report.counts, details=report.to_dict())
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    except RnacorpusError as exc:  # the loads are committed; failing to log must not hide the result
        log.warning("could not record refresh %s: %s", report.run_id, exc)


def _advance(
    con: duckdb.DuckDBPyConnection,
    report: RefreshReport,
    window: RefreshWindow,
    in_window: Sequence[str],
    dates: dict[str, dt.date | None],
) -> dt.date:
    outcome = {r.accession: r.outcome for r in report.results}
    done = [a for a in in_window if outcome.get(a) in ("new", "updated", "unchanged")]
    failed = [a for a in in_window if outcome.get(a) == "failed"]
    held = dict(
        con.execute(
            "SELECT accession, last_update FROM studies WHERE accession IN (SELECT unnest(?))", [done]
        ).fetchall()
    )
    target = next_watermark(window, [held.get(a) or dates.get(a) for a in done], [dates.get(a) for a in failed])
    if target != window.watermark:
        set_watermark(con, report.source, target, report.run_id)
        log.info("watermark of %s: %s -> %s", report.source, window.watermark, target)
    return target
