"""Refresh: bring the catalog up to date with what each archive changed since the last run.

Steps (DESIGN §7), each a named part of :func:`refresh`:

1. take the catalog's run lock (:mod:`.lock`) — a second refresh or harvest exits 2 at once;
2. per source (``--source``, or every registered source the catalog holds something of — see
   :mod:`.refresh_sources`): read its state (its own watermark, the newest it holds, the quarantine)
   and plan its window (:func:`.refresh_plan.plan_refresh`, pure);
3. close runs that died ('interrupted'), open this run's log row;
4. discover, per source, what changed in its window (GEO: E-utilities ``[MDAT]``; ArrayExpress:
   BioStudies release dates; ENA: runs' ``last_updated``; BioSamples: records' update date) and map it
   to the catalog's work — study sources' studies themselves, and for sources that add to other
   sources' studies every held study that states what changed, processed with enrichment forced;
   plus quarantined ones (``--retry-quarantined``) and a bounded, rotating set of held studies to
   re-check (``--check-withdrawn``);
5. fetch each with revalidation — a conditional request per cached file, 304 when unchanged — and
   parse/load only what the content hash says changed (or what a forced enrichment must redo); a
   held study the archive no longer serves at all is tombstoned (``studies.withdrawn``);
6. after every load has committed, move each source's watermark
   (:func:`.refresh_plan.next_watermark`) in the transaction that closes the run log row. A source
   that had no watermark and found nothing gets none (its next refresh starts from what it holds).

A refresh over an unchanged archive writes nothing but its run log (``runs``, ``run_items``). The
request and report types are in :mod:`.refresh_report`.
"""

from __future__ import annotations

import datetime as dt
import logging

import duckdb

from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.runs import finish_run, new_run_id, set_watermark
from rnacorpus.config import Config
from rnacorpus.errors import ConfigError, LockedError, RnacorpusError
from rnacorpus.harvester.base import DiscoveryQuery, StudyRef, get_source, source_names, sources_providing
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
from rnacorpus.pipeline.refresh_report import RefreshReport, RefreshRequest, SourceRefresh
from rnacorpus.pipeline.refresh_sources import (
    RefreshState,
    SourceWork,
    affected_studies,
    holds_anything,
    read_state,
    recheck_candidates,
)
from rnacorpus.pipeline.report import NullProgress, Progress
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
    "refresh_order",
]

log = logging.getLogger(__name__)

#: study sources whose discoveries are studies to harvest when new (ENA's are only when named)
_HARVESTED_WHEN_NEW = ("geo", "arrayexpress")


def refresh_order() -> list[str]:
    """Every registered source, study sources first (GEO first): what a plain ``refresh`` covers."""
    studies = sources_providing("studies")
    return sorted(studies, key=lambda n: (n != "geo", n)) + sources_providing("sample_metadata")


def refresh(
    request: RefreshRequest | None = None,
    *,
    config: Config,
    client: HttpClient | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> RefreshReport:
    """Refresh the catalog from one source or all of them. The Python API behind ``rnacorpus refresh``.

    Never raises for a run that could not proceed: ``report.fatal`` says why (exit code 2).
    """
    req = request or RefreshRequest()
    report = RefreshReport(
        run_id=new_run_id(), command="refresh", catalog=str(config.catalog_path), source=req.source or "geo"
    )
    try:
        with run_lock(config.catalog_path, req.command_line()) as lock:
            if lock.recovered is not None:
                report.recovered_lock = lock.recovered.describe()
            _refresh_locked(report, req, config, client, progress, today or dt.datetime.now(dt.UTC).date())
    except LockedError as exc:  # the holder owns the catalog: touch nothing, not even the run log
        report.fatal = str(exc)
    return report


def _check(config: Config, req: RefreshRequest) -> None:
    if req.source is not None and req.source not in source_names():
        raise ConfigError(f"unknown source {req.source!r}; known sources: {', '.join(source_names())}")
    if config.offline:
        raise ConfigError("refresh asks the archive what changed; it cannot run --offline")
    if req.check_limit < 0:
        raise ConfigError(f"--check-limit must be 0 or more, got {req.check_limit}")


def _plan(config: Config, req: RefreshRequest, today: dt.date) -> dict[str, tuple[RefreshWindow, RefreshState]]:
    """Each source's window. A named source must plan (or the run cannot); of all sources, those the
    catalog holds nothing of are left out, and so are those without a basis for a window."""
    _check(config, req)
    names = [req.source] if req.source else refresh_order()
    plans: dict[str, tuple[RefreshWindow, RefreshState]] = {}
    first_error: ConfigError | None = None
    for name in names:
        state = RefreshState()
        if config.catalog_path.exists():
            with writer(config.catalog_path) as con:
                if req.source is None and not holds_anything(con, name):
                    continue
                state = read_state(con, name)
        try:
            window = plan_refresh(
                state.watermark,
                now=today,
                lag_days=req.lag_days,
                since=req.since,
                until=req.until,
                catalog_newest=state.catalog_newest,
            )
        except ConfigError as exc:
            if req.source is not None or name == "geo":
                first_error = first_error or exc
            continue
        plans[name] = (window, state)
    if not plans:
        raise first_error or ConfigError(
            "no watermark yet and the catalog holds nothing to refresh: give --since DATE (and --source)"
        )
    return plans


def _refresh_locked(
    report: RefreshReport,
    req: RefreshRequest,
    config: Config,
    client: HttpClient | None,
    progress: Progress | None,
    today: dt.date,
) -> None:
    try:
        plans = _plan(config, req, today)
    except RnacorpusError as exc:  # nothing is written for a run that cannot even plan
        report.fatal = str(exc)
        return
    report.sources = {name: SourceRefresh(window=window) for name, (window, _) in plans.items()}
    report.source, (report.window, _) = next(iter(plans.items()))
    for name, (window, _) in plans.items():
        log.info("refresh %s: window %s .. %s (%s)", name, window.start, window.end or "now", window.basis)
    http = client if client is not None else HttpClient(config)
    dates: dict[str, dt.date | None] = {}
    works: dict[str, SourceWork] = {}
    status = "error"
    try:
        report.interrupted = start_run(config, report.run_id, req.command_line())
        refs, forced, works = _work_list(config, req, plans, http)
        report.results = run_studies(
            refs,
            config=config,
            client=http,
            run_id=report.run_id,
            progress=progress or NullProgress(),
            options=RunOptions(revalidate=True, tombstone_gone=True, force=frozenset(forced)),
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
    _finish(config, report, status, works, dates)


def _remember_date(dates: dict[str, dt.date | None], manifest: StudyManifest) -> None:
    dates[manifest.accession] = manifest.last_update


def _discover(name: str, req: RefreshRequest, window: RefreshWindow, http: HttpClient, config: Config) -> SourceWork:
    query = DiscoveryQuery(
        text=req.query, since=window.start, until=window.end, organism=req.organism, study_type=req.study_type
    )
    found = list(get_source(name, http, config).discover(query))
    work = SourceWork()
    with writer(config.catalog_path) as con:
        held = affected_studies(con, [a for ref in found for a in (ref.accession, *ref.also)])
    for ref in found:
        studies = list(dict.fromkeys(s for a in (ref.accession, *ref.also) for s in held.get(a, [])))
        work.discovered[ref.accession] = (ref.last_update, [study for study, _ in studies] or [ref.accession])
        if not studies:
            if name in _HARVESTED_WHEN_NEW or req.source == name:
                work.refs.append(ref)  # a study new to the catalog
            else:
                work.discovered.pop(ref.accession)  # nothing held states it: not this catalog's business
            continue
        for study, archive in studies:
            work.refs.append(StudyRef(accession=study, source=archive, last_update=ref.last_update))
            if study != ref.accession:
                work.forced.add(study)  # its own files may be unchanged: redo its enrichment
    return work


def _work_list(
    config: Config,
    req: RefreshRequest,
    plans: dict[str, tuple[RefreshWindow, RefreshState]],
    http: HttpClient,
) -> tuple[list[StudyRef], set[str], dict[str, SourceWork]]:
    """The run's studies (every source's discoveries, then quarantine retries, then re-checks)."""
    works = {name: _discover(name, req, window, http, config) for name, (window, _) in plans.items()}
    discovered = [ref for work in works.values() for ref in work.refs]
    quarantined = next(iter(plans.values()))[1].quarantined
    retry = list(quarantined) if req.retry_quarantined else []
    refs = plan_studies([], discovered, retry)
    recheck: list[StudyRef] = []
    if req.check_withdrawn and req.check_limit > 0:
        with writer(config.catalog_path) as con:
            for name in plans:
                if name in sources_providing("studies"):
                    recheck += recheck_candidates(
                        con, name, [r.accession for r in refs + recheck], req.check_limit - len(recheck)
                    )
    log.info(
        "refresh: %d to process from the windows, %d quarantined to retry, %d held studies to re-check",
        len(discovered),
        len(retry),
        len(recheck),
    )
    forced = {study for work in works.values() for study in work.forced}
    return refs + recheck, forced, works


def _finish(
    config: Config,
    report: RefreshReport,
    status: str,
    works: dict[str, SourceWork],
    dates: dict[str, dt.date | None],
) -> None:
    """Move each source's watermark (after every load committed) and close the run log, in one transaction."""
    try:
        with writer(config.catalog_path) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                if status != "error":
                    for name, part in report.sources.items():
                        part.discovered = len(works[name].discovered) if name in works else 0
                        if part.window is not None and not part.window.stateless and name in works:
                            part.watermark_after = _advance(con, report, name, part.window, works[name], dates)
                    report.watermark_after = report.sources[report.source].watermark_after
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
    source: str,
    window: RefreshWindow,
    work: SourceWork,
    dates: dict[str, dt.date | None],
) -> dt.date | None:
    """A discovered record is done when every study it maps to loaded or was unchanged. Its date is the
    study's own when it is one (what the archive stamped, as stored or as fetched), else the date the
    discovery gave the record (an ENA study's newest run, a BioSample's update)."""
    outcome = {r.accession: r.outcome for r in report.results}
    done: list[dt.date | None] = []
    failed: list[dt.date | None] = []
    studies = [s for _, held in work.discovered.values() for s in held]
    held_dates = dict(
        con.execute(
            "SELECT accession, last_update FROM studies WHERE accession IN (SELECT unnest(?))", [studies]
        ).fetchall()
    )
    for accession, (found, held) in work.discovered.items():
        results = [outcome.get(study) for study in held]
        itself = held == [accession]
        if all(r in ("new", "updated", "unchanged") for r in results):
            done.append((held_dates.get(accession) or dates.get(accession)) if itself else found)
        elif any(r == "failed" for r in results):
            # the date its fetch gave (None when the fetch itself failed: the watermark then holds)
            failed.append(dates.get(accession) if itself else found)
    if window.watermark is None and not done and not failed:
        return None  # nothing held, nothing found: no watermark to start (the next run plans from what it holds)
    target = next_watermark(window, done, failed)
    if target != window.watermark:
        set_watermark(con, source, target, report.run_id)
        log.info("watermark of %s: %s -> %s", source, window.watermark, target)
    return target
