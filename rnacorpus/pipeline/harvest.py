"""Harvest: plan which studies to process, then discover → fetch → parse → harmonize → load each.

Planning is separate from acting: :func:`plan_studies` only decides which study references a run
covers (explicit accessions, a discovery query, quarantined studies to retry). Each study then goes
through the steps on its own (:mod:`.runner`: fetched ahead in threads, built into a load package by
workers, committed in order by this process); a failure quarantines that study with its reason and
the run goes on. Loads are short writer transactions so readers can query the catalog while a run
goes on. A run holds the catalog's run lock (:mod:`.lock`) from start to end, so two runs never
interleave their loads.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import duckdb

from rnacorpus import __version__
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.gene_tables import load_default_reference
from rnacorpus.catalog.load import sweep_orphans
from rnacorpus.catalog.ontology_tables import load_ontology_tables
from rnacorpus.catalog.package import sweep_packages
from rnacorpus.catalog.pins import release_due
from rnacorpus.catalog.runs import begin_run, finish_run, mark_interrupted, new_run_id
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.errors import ConfigError, LockedError, RnacorpusError
from rnacorpus.harvester.accessions import normalize_accession, require_study_accessions
from rnacorpus.harvester.base import DiscoveryQuery, StudyRef, source_for_accession, source_names
from rnacorpus.harvester.http import HttpClient
from rnacorpus.pipeline.enrich import discover_studies
from rnacorpus.pipeline.expression import REFERENCE_TAXA
from rnacorpus.pipeline.lock import run_lock
from rnacorpus.pipeline.plan import reference_versions
from rnacorpus.pipeline.report import NullProgress, Progress, RunReport
from rnacorpus.pipeline.runner import RunOptions, run_studies
from rnacorpus.schemas import SCHEMA_VERSION
from rnacorpus.storage import location_text

__all__ = ["RunOptions", "harvest", "plan_studies", "run_studies", "start_run"]

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
        # Under the run lock no package is live: whatever an earlier run left is swept, never committed.
        store = ExpressionStore(config.store_dir)
        sweep_packages(store)
        if interrupted or release_due(store):
            # A run that died may have written shards it never committed, and `publish --keep` may have
            # unpinned files only an old snapshot read; under the lock no load is live.
            removed = sweep_orphans(con, store)
            log.info("removed %d unreferenced store files (interrupted runs, unpinned snapshots)", len(removed))
        stamp_versions(con, config)
        begin_run(con, run_id, command_line, __version__)
    return interrupted


def stamp_versions(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Record what built the catalog (and where its store is) so readers need no options."""
    stamps = {
        "store_dir": location_text(config.store_dir),
        "schema_version": SCHEMA_VERSION,
        "rnacorpus_version": __version__,
        **reference_versions(),
    }
    stored = dict(con.execute("SELECT key, value FROM catalog_versions").fetchall())
    changed = [[k, v] for k, v in stamps.items() if stored.get(k) != v]
    if changed:  # a run over an unchanged archive writes nothing but its run log
        con.executemany("INSERT OR REPLACE INTO catalog_versions VALUES (?, ?, now())", changed)
    # the references as files in the store, queryable as views: the gene references the shards are
    # keyed by, and ontology terms and closure, so ancestor-aware filters are plain joins
    for taxid in REFERENCE_TAXA:
        load_default_reference(con, taxid, config.store_dir)
    load_ontology_tables(con, config.store_dir)


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
