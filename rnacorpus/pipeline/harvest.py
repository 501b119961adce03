"""Harvest: plan which studies to process, then discover → fetch → parse → harmonize → load each.

Planning is separate from acting: :func:`plan_studies` only decides which study references a run
covers (explicit accessions, a discovery query, quarantined studies to retry). Each study then goes
through the steps on its own; a failure quarantines that study with its reason and the run goes on.
Fetch/parse/harmonize may run in worker threads (``config.workers``); loads are serialized through
short writer transactions so readers can query the catalog while a run goes on. A run holds the
catalog's run lock (:mod:`.lock`) from start to end, so two runs never interleave their loads.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import duckdb

from rnacorpus import __version__
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.gene_tables import load_reference as load_gene_reference
from rnacorpus.catalog.load import LoadPlan, load_study, sweep_orphans
from rnacorpus.catalog.ontology_tables import load_ontology_tables
from rnacorpus.catalog.runs import (
    begin_run,
    clear_quarantine,
    finish_run,
    mark_interrupted,
    new_run_id,
    quarantine,
    record_item,
)
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.errors import ConfigError, LockedError, RnacorpusError
from rnacorpus.harvester.accessions import normalize_accession, require_study_accessions
from rnacorpus.harvester.base import (
    DiscoveryQuery,
    FetchedStudy,
    Source,
    StudyGoneError,
    StudyRef,
    enriched_content_key,
    fetched_content_key,
    get_source,
    source_for_accession,
    source_names,
    study_content_key,
)
from rnacorpus.harvester.http import HttpClient
from rnacorpus.pipeline.enrich import discover_studies, enrich_study, enriching_sources
from rnacorpus.pipeline.expression import REFERENCE_TAXA, reference_for
from rnacorpus.pipeline.external import harmonize_external
from rnacorpus.pipeline.lock import run_lock
from rnacorpus.pipeline.outage import OutageGuard
from rnacorpus.pipeline.plan import build_load_plan, pipeline_salt, reference_versions
from rnacorpus.pipeline.report import NullProgress, Progress, RunReport, StudyResult
from rnacorpus.schemas import SCHEMA_VERSION

__all__ = ["Prepared", "RunOptions", "harvest", "plan_studies", "run_studies", "start_run"]

log = logging.getLogger(__name__)


def plan_studies(
    accessions: Sequence[str],
    discovered: Iterable[StudyRef] = (),
    retry: Sequence[str] = (),
) -> list[StudyRef]:
    """The run's work list, in a stable order without duplicates (pure).

    ``accessions`` must be study accessions (:func:`harvest` checks them before a run starts); a
    quarantined accession that is not one (left by an older release) is skipped with a warning.
    """
    refs: dict[str, StudyRef] = {}
    for accession in accessions:
        acc = normalize_accession(accession)
        refs.setdefault(acc, StudyRef(accession=acc, source=source_for_accession(acc)))
    for accession in retry:
        acc = normalize_accession(accession)
        try:
            refs.setdefault(acc, StudyRef(accession=acc, source=source_for_accession(acc)))
        except ConfigError as exc:
            log.warning("quarantined %s is not retried: %s", acc, exc)
    for ref in discovered:
        refs.setdefault(ref.accession, ref)
    return list(refs.values())


@dataclass(frozen=True)
class RunOptions:
    """How :func:`run_studies` treats each study: harvest uses the defaults; refresh revalidates every
    cached file with the archive and tombstones held studies the archive no longer serves."""

    revalidate: bool = False
    tombstone_gone: bool = False
    #: studies parsed and enriched again even when their own files are unchanged (a refresh of ENA or
    #: BioSamples found something new about them)
    force: frozenset[str] = frozenset()


class Stored(NamedTuple):
    """What the catalog already holds of a study."""

    content_key: str | None
    withdrawn: bool


@dataclass
class Prepared:
    """A study ready to load (or known unchanged, or failed before loading)."""

    ref: StudyRef
    plan: LoadPlan | None = None
    unchanged: bool = False
    error: BaseException | None = None
    step: str = "fetch"
    #: the archive's last-update stamp of what was fetched (None when the fetch failed or gave none)
    last_update: dt.date | None = None
    stored: Stored | None = None

    @property
    def gone(self) -> bool:
        return isinstance(self.error, StudyGoneError)


def _stored(config: Config, accessions: Sequence[str]) -> dict[str, Stored]:
    """Content hashes the catalog holds, read once per run so unchanged studies skip parsing."""
    if not config.catalog_path.exists() or not accessions:
        return {}
    with writer(config.catalog_path) as con:
        # a study folded into its twin (E-GEOD-n into GSEn) keeps its content hash in absorbed_studies
        rows = con.execute(
            "SELECT accession, content_sha256, coalesce(withdrawn, false) FROM studies "
            "WHERE accession IN (SELECT unnest(?)) UNION ALL "
            "SELECT accession, content_sha256, false FROM absorbed_studies WHERE accession IN (SELECT unnest(?))",
            [list(accessions), list(accessions)],
        ).fetchall()
    return {str(acc): Stored(str(key) if key else None, bool(gone)) for acc, key, gone in rows}


def _prepare(
    ref: StudyRef,
    source: Source,
    run_id: str,
    salt: str,
    stored: Stored | None,
    options: RunOptions,
    enrichers: Sequence[Source] = (),
) -> Prepared:
    prepared = Prepared(ref=ref, stored=stored)
    try:
        fetched: FetchedStudy = source.fetch(ref, revalidate=options.revalidate)
        prepared.last_update = fetched.ref.last_update
        content_key = fetched_content_key(fetched.files, salt)
        if (
            stored is not None
            and stored.content_key is not None
            and study_content_key(stored.content_key) == content_key
            and ref.accession not in options.force
        ):
            prepared.unchanged = True
            return prepared
        prepared.step = "parse"
        bundle = source.parse(fetched)
        prepared.step = "enrich"  # other archives' runs and characteristics of its samples
        added = enrich_study(bundle, source.name, enrichers, revalidate=options.revalidate)
        prepared.step = "harmonize"
        load_key = enriched_content_key(content_key, added)
        prepared.plan = build_load_plan(bundle, content_sha256=load_key, run_id=run_id)
        harmonize_external(bundle, prepared.plan)  # silent fields from other archives' records
        prepared.step = "load"
    except Exception as exc:  # one study's failure must not stop the run; it is quarantined below
        if not isinstance(exc, RnacorpusError):
            log.exception("%s: unexpected error in step %s", ref.accession, prepared.step)
        prepared.error = exc
    return prepared


def _load(config: Config, store: ExpressionStore, run_id: str, prepared: Prepared, options: RunOptions) -> StudyResult:
    accession = prepared.ref.accession
    with writer(config.catalog_path) as con:
        if prepared.gone and options.tombstone_gone and prepared.stored is not None:
            result = _tombstone(con, accession, prepared)
        elif prepared.error is not None:
            quarantine(con, run_id, accession, prepared.step, prepared.error)
            kind = getattr(prepared.error, "kind", "internal")
            result = StudyResult(accession, "failed", prepared.step, str(prepared.error), kind)
        elif prepared.unchanged or prepared.plan is None:
            clear_quarantine(con, accession)
            result = _reinstated(con, accession, prepared) or StudyResult(accession, "unchanged", "fetch")
        else:
            try:
                outcome = load_study(con, store, prepared.plan)
            except Exception as exc:
                quarantine(con, run_id, accession, "load", exc)
                return _recorded(con, run_id, StudyResult(accession, "failed", "load", str(exc), "load"))
            clear_quarantine(con, accession)
            n_samples = len(prepared.plan.bundle.samples)
            result = _reinstated(con, accession, prepared) or StudyResult(
                accession, outcome, "load", n_samples=n_samples
            )
        return _recorded(con, run_id, result)


def _tombstone(con: duckdb.DuckDBPyConnection, accession: str, prepared: Prepared) -> StudyResult:
    """The archive serves nothing of a study the catalog holds: flag it, keep its rows (exports skip it)."""
    clear_quarantine(con, accession)
    if prepared.stored is not None and prepared.stored.withdrawn:
        return StudyResult(accession, "unchanged", "fetch", "still withdrawn")
    con.execute("UPDATE studies SET withdrawn = true WHERE accession = ?", [accession])
    log.info("%s: the archive no longer serves it; marked withdrawn", accession)
    return StudyResult(accession, "withdrawn", "fetch", str(prepared.error), "not_found")


def _reinstated(con: duckdb.DuckDBPyConnection, accession: str, prepared: Prepared) -> StudyResult | None:
    """A study flagged withdrawn that the archive serves again is visible again (an update)."""
    if prepared.stored is None or not prepared.stored.withdrawn:
        return None
    con.execute("UPDATE studies SET withdrawn = false WHERE accession = ?", [accession])
    log.info("%s: the archive serves it again; no longer withdrawn", accession)
    return StudyResult(accession, "updated", "load", "reinstated: the archive serves it again")


def _recorded(con: object, run_id: str, result: StudyResult) -> StudyResult:
    record_item(con, run_id, result.accession, result.outcome, result.step, result.message)  # type: ignore[arg-type]
    return result


def run_studies(
    refs: Sequence[StudyRef],
    *,
    config: Config,
    client: HttpClient,
    run_id: str,
    progress: Progress,
    on_result: Callable[[StudyResult], None] | None = None,
    options: RunOptions | None = None,
    on_prepared: Callable[[Prepared], None] | None = None,
) -> list[StudyResult]:
    """Process each study; fetch/parse run in ``config.workers`` threads, loads in this thread.

    ``on_prepared`` sees each study after fetch/parse and before its load (in this thread). When an
    archive stops answering (``client.outage``) the loop stops taking studies and the ones the outage
    interrupted are neither loaded nor quarantined; the caller turns ``client.outage`` into exit 2.
    """
    opts = options or RunOptions()
    store = ExpressionStore(config.store_dir)
    salt = pipeline_salt()
    sources: dict[str, Source] = {}
    for name in sorted({ref.source for ref in refs}):
        sources[name] = get_source(name, client, config)
    stored = _stored(config, [ref.accession for ref in refs])
    enrichers = enriching_sources(config, client)
    results: list[StudyResult] = []
    progress.start(len(refs))
    guard: OutageGuard[Prepared] = OutageGuard(client.breaker, lambda prepared: prepared.error)

    def load(prepared: Prepared) -> None:
        result = _load(config, store, run_id, prepared, opts)
        results.append(result)
        progress.advance(result.accession, result.outcome)
        if on_result is not None:
            on_result(result)

    def finish(prepared: Prepared) -> None:
        if on_prepared is not None:
            on_prepared(prepared)
        for ready in guard.settle(prepared):
            load(ready)

    def prepare(ref: StudyRef) -> Prepared:
        return _prepare(ref, sources[ref.source], run_id, salt, stored.get(ref.accession), opts, enrichers)

    if config.workers <= 1:
        for ref in refs:
            if guard.outage is not None:
                break
            finish(prepare(ref))
    else:
        # A bounded window of prepared studies: memory stays at a few studies whatever the run size.
        window: deque[Future[Prepared]] = deque()
        with ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="rnacorpus") as pool:
            for ref in refs:
                if guard.outage is not None:
                    break
                window.append(pool.submit(prepare, ref))
                if len(window) >= 2 * config.workers:
                    finish(window.popleft().result())
            while window:
                finish(window.popleft().result())
    for ready in guard.drain():
        load(ready)
    progress.close()
    if guard.not_run:
        log.info("not run (the archive stopped answering): %s", ", ".join(p.ref.accession for p in guard.not_run))
    return results


def harvest(
    accessions: Sequence[str] = (),
    *,
    config: Config,
    query: DiscoveryQuery | None = None,
    retry_quarantined: bool = False,
    client: HttpClient | None = None,
    progress: Progress | None = None,
    command: str = "harvest",
    source: str = "geo",
) -> RunReport:
    """Harvest studies into the catalog. The Python API behind ``rnacorpus harvest``.

    ``source`` is the archive a ``query`` searches (``geo``, ``arrayexpress``, ``ena``); accessions
    go to the source their format names, whatever it is.

    Accessions are checked first (:mod:`rnacorpus.harvester.accessions`): any that is not a study
    accession of an archive with a source returns at once with ``fatal`` listing every bad one (exit
    code 2), before the lock is taken or the catalog created. Holds the catalog's run lock
    throughout; when another run holds it, returns at once with ``fatal`` set and touches nothing.
    """
    run_id = new_run_id()
    report = RunReport(run_id=run_id, command=command, catalog=str(config.catalog_path))
    try:
        require_study_accessions(accessions, sources=source_names())
    except ConfigError as exc:  # an input error, not a study failure: nothing is quarantined or created
        report.fatal = str(exc)
        return report
    try:
        with run_lock(config.catalog_path, command):
            _harvest_locked(report, accessions, config, query, retry_quarantined, client, progress, source)
    except LockedError as exc:  # another run holds the catalog: nothing was touched
        report.fatal = str(exc)
    return report


def _harvest_locked(
    report: RunReport,
    accessions: Sequence[str],
    config: Config,
    query: DiscoveryQuery | None,
    retry_quarantined: bool,
    client: HttpClient | None,
    progress: Progress | None,
    source_name: str = "geo",
) -> None:
    own_client = client is None
    http = client if client is not None else HttpClient(config)
    try:
        retry = _quarantined_accessions(config) if retry_quarantined else []
        discovered: list[StudyRef] = []
        if query is not None:
            discovered = list(discover_studies(source_name, query, http, config))
        refs = plan_studies(accessions, discovered, retry)
        start_run(config, report.run_id, _command_line(report.command, accessions, query))
        report.results = run_studies(
            refs, config=config, client=http, run_id=report.run_id, progress=progress or NullProgress()
        )
        if http.outage is not None:
            raise http.outage
        status = "failed" if report.failed else "ok"
    except RnacorpusError as exc:
        report.fatal = str(exc)
        status = "error"
    finally:
        if own_client:
            http.close()
    _finish(config, report, status)


def start_run(config: Config, run_id: str, command_line: str) -> list[str]:
    """Under the run lock: close runs that died, stamp versions, open this run's log row.

    Returns the ids of runs found 'running' (their processes died) and now marked 'interrupted'.
    """
    with writer(config.catalog_path) as con:
        interrupted = mark_interrupted(con)
        if interrupted:
            # A run that died may have written shards it never committed; under the lock none is live.
            removed = sweep_orphans(con, ExpressionStore(config.store_dir))
            log.info("removed %d store files left by interrupted runs", len(removed))
        stamp_versions(con, config)
        begin_run(con, run_id, command_line, __version__)
    return interrupted


def stamp_versions(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Record what built the catalog (and where its store is) so readers need no options."""
    stamps = {
        "store_dir": str(config.store_dir.resolve()),
        "schema_version": SCHEMA_VERSION,
        "rnacorpus_version": __version__,
        **reference_versions(),
    }
    stored = dict(con.execute("SELECT key, value FROM catalog_versions").fetchall())
    changed = [[k, v] for k, v in stamps.items() if stored.get(k) != v]
    if changed:  # a run over an unchanged archive writes nothing but its run log
        con.executemany("INSERT OR REPLACE INTO catalog_versions VALUES (?, ?, now())", changed)
    for taxid in REFERENCE_TAXA:  # the gene references the shards are keyed by, queryable beside them
        load_gene_reference(con, reference_for(taxid))
    load_ontology_tables(con)  # terms and closure, so ancestor-aware filters are plain joins


def _quarantined_accessions(config: Config) -> list[str]:
    if not config.catalog_path.exists():
        return []
    with writer(config.catalog_path) as con:
        return [r[0] for r in con.execute("SELECT accession FROM quarantine ORDER BY accession").fetchall()]


def _command_line(command: str, accessions: Sequence[str], query: DiscoveryQuery | None) -> str:
    parts = [command, *accessions]
    if query is not None and query.text:
        parts += ["--query", query.text]
    if query is not None and query.since:
        parts += ["--since", query.since.isoformat()]
    return " ".join(parts)


def _finish(config: Config, report: RunReport, status: str) -> None:
    try:
        with writer(config.catalog_path) as con:
            finish_run(con, report.run_id, status=status, counts=report.counts, details=report.to_dict())
    except RnacorpusError as exc:  # the run itself is over; failing to log it must not hide its result
        log.warning("could not record run %s: %s", report.run_id, exc)
