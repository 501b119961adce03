"""Harvest: plan which studies to process, then discover → fetch → parse → harmonize → load each.

Planning is separate from acting: :func:`plan_studies` only decides which study references a run
covers (explicit accessions, a discovery query, quarantined studies to retry). Each study then goes
through the steps on its own; a failure quarantines that study with its reason and the run goes on.
Fetch/parse/harmonize may run in worker threads (``config.workers``); loads are serialized through
short writer transactions so readers can query the catalog while a run goes on.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import duckdb

from rnacorpus import __version__
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.gene_tables import load_reference as load_gene_reference
from rnacorpus.catalog.load import LoadPlan, load_study
from rnacorpus.catalog.ontology_tables import load_ontology_tables
from rnacorpus.catalog.runs import (
    begin_run,
    clear_quarantine,
    finish_run,
    new_run_id,
    quarantine,
    record_item,
)
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.base import (
    DiscoveryQuery,
    FetchedStudy,
    Source,
    StudyRef,
    fetched_content_key,
    get_source,
    source_for_accession,
)
from rnacorpus.harvester.http import HttpClient
from rnacorpus.pipeline.expression import REFERENCE_TAXA, reference_for
from rnacorpus.pipeline.plan import build_load_plan, pipeline_salt, reference_versions
from rnacorpus.pipeline.report import NullProgress, Progress, RunReport, StudyResult
from rnacorpus.schemas import SCHEMA_VERSION

__all__ = ["Prepared", "harvest", "plan_studies", "run_studies"]

log = logging.getLogger(__name__)


def plan_studies(
    accessions: Sequence[str],
    discovered: Iterable[StudyRef] = (),
    retry: Sequence[str] = (),
) -> list[StudyRef]:
    """The run's work list, in a stable order without duplicates (pure)."""
    refs: dict[str, StudyRef] = {}
    for accession in [*accessions, *retry]:
        acc = accession.strip().upper()
        refs.setdefault(acc, StudyRef(accession=acc, source=source_for_accession(acc)))
    for ref in discovered:
        refs.setdefault(ref.accession, ref)
    return list(refs.values())


@dataclass
class Prepared:
    """A study ready to load (or known unchanged, or failed before loading)."""

    ref: StudyRef
    plan: LoadPlan | None = None
    unchanged: bool = False
    error: BaseException | None = None
    step: str = "fetch"


def _stored_keys(config: Config, accessions: Sequence[str]) -> dict[str, str]:
    """Content hashes the catalog holds, read once per run so unchanged studies skip parsing."""
    if not config.catalog_path.exists() or not accessions:
        return {}
    with writer(config.catalog_path) as con:
        rows = con.execute(
            "SELECT accession, content_sha256 FROM studies WHERE accession IN (SELECT unnest(?))",
            [list(accessions)],
        ).fetchall()
    return {str(acc): str(key) for acc, key in rows if key}


def _prepare(ref: StudyRef, source: Source, run_id: str, salt: str, stored_key: str | None) -> Prepared:
    prepared = Prepared(ref=ref)
    try:
        fetched: FetchedStudy = source.fetch(ref)
        content_key = fetched_content_key(fetched.files, salt)
        if stored_key == content_key:
            prepared.unchanged = True
            return prepared
        prepared.step = "parse"
        bundle = source.parse(fetched)
        prepared.step = "harmonize"
        prepared.plan = build_load_plan(bundle, content_sha256=content_key, run_id=run_id)
        prepared.step = "load"
    except Exception as exc:  # one study's failure must not stop the run; it is quarantined below
        if not isinstance(exc, RnacorpusError):
            log.exception("%s: unexpected error in step %s", ref.accession, prepared.step)
        prepared.error = exc
    return prepared


def _load(config: Config, store: ExpressionStore, run_id: str, prepared: Prepared) -> StudyResult:
    accession = prepared.ref.accession
    with writer(config.catalog_path) as con:
        if prepared.error is not None:
            quarantine(con, run_id, accession, prepared.step, prepared.error)
            kind = getattr(prepared.error, "kind", "internal")
            result = StudyResult(accession, "failed", prepared.step, str(prepared.error), kind)
        elif prepared.unchanged or prepared.plan is None:
            clear_quarantine(con, accession)
            result = StudyResult(accession, "unchanged", "fetch")
        else:
            try:
                outcome = load_study(con, store, prepared.plan)
            except Exception as exc:
                quarantine(con, run_id, accession, "load", exc)
                return _recorded(con, run_id, StudyResult(accession, "failed", "load", str(exc), "load"))
            clear_quarantine(con, accession)
            result = StudyResult(accession, outcome, "load", n_samples=len(prepared.plan.bundle.samples))
        return _recorded(con, run_id, result)


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
) -> list[StudyResult]:
    """Process each study; fetch/parse run in ``config.workers`` threads, loads in this thread."""
    store = ExpressionStore(config.store_dir)
    salt = pipeline_salt()
    sources: dict[str, Source] = {}
    for name in sorted({ref.source for ref in refs}):
        sources[name] = get_source(name, client, config)
    stored = _stored_keys(config, [ref.accession for ref in refs])
    results: list[StudyResult] = []
    progress.start(len(refs))

    def finish(prepared: Prepared) -> None:
        result = _load(config, store, run_id, prepared)
        results.append(result)
        progress.advance(result.accession, result.outcome)
        if on_result is not None:
            on_result(result)

    if config.workers <= 1:
        for ref in refs:
            finish(_prepare(ref, sources[ref.source], run_id, salt, stored.get(ref.accession)))
    else:
        # A bounded window of prepared studies: memory stays at a few studies whatever the run size.
        window: deque[Future[Prepared]] = deque()
        with ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="rnacorpus") as pool:
            for ref in refs:
                window.append(pool.submit(_prepare, ref, sources[ref.source], run_id, salt, stored.get(ref.accession)))
                if len(window) >= 2 * config.workers:
                    finish(window.popleft().result())
            while window:
                finish(window.popleft().result())
    progress.close()
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
) -> RunReport:
    """Harvest studies into the catalog. The Python API behind ``rnacorpus harvest``."""
    own_client = client is None
    http = client if client is not None else HttpClient(config)
    run_id = new_run_id()
    report = RunReport(run_id=run_id, command=command, catalog=str(config.catalog_path))
    try:
        retry = _quarantined_accessions(config) if retry_quarantined else []
        discovered: list[StudyRef] = []
        if query is not None:
            source = get_source("geo", http, config)
            discovered = list(source.discover(query))
        refs = plan_studies(accessions, discovered, retry)
        with writer(config.catalog_path) as con:
            stamp_versions(con, config)
            begin_run(con, run_id, _command_line(command, accessions, query), __version__)
        report.results = run_studies(
            refs, config=config, client=http, run_id=run_id, progress=progress or NullProgress()
        )
        status = "failed" if report.failed else "ok"
    except RnacorpusError as exc:
        report.fatal = str(exc)
        status = "error"
    finally:
        if own_client:
            http.close()
    _finish(config, report, status)
    return report


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
