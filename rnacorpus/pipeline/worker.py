"""One study's work, as functions of plain data: fetch → parse → harmonize → shards + load package.

This is the seam of DESIGN §8 and issue 14: :func:`process_study` takes a :class:`StudyTask` (study
reference, configuration, the versions that interpret the files, what the catalog already holds) and
returns a small :class:`StudyManifest` (outcome, error, the package's path and checksum). Arguments
and results are frozen dataclasses that pickle; no connection, client or closure crosses it, so the
same function runs in this process, in a local process pool, or on a Dask worker
(``Client.submit(process_study, task)``). A worker never opens the catalog: what it produces is files
under the store (:mod:`rnacorpus.catalog.package`), and the driver commits them.

Locally the two halves run apart (:mod:`.runner`): :func:`fetch_study` in the driver's threads, where
one HTTP client keeps each archive's rate limit, and :func:`build_study` in a pool of processes, so
the download of the next study overlaps the parsing of this one. Nothing here knows an archive: the
source comes from the registry by the reference's name.

A large gzip body is inflated once (:mod:`rnacorpus.harvester.deferred_check`): the fetch checks its
head and stores it unverified, the parse proves it whole as it reads it, and the build marks it
verified — or, when it is not whole, evicts it and fails with the download's own error and
``refetch`` set, so the run fetches the study again (:class:`~.inflight.InFlight`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from rnacorpus.catalog.package import PackageRef, encode_rows_ahead, write_package
from rnacorpus.catalog.runs import FailureRecord
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.errors import RnacorpusError
from rnacorpus.fileio import recording_whole_reads
from rnacorpus.harmonize.units.row_evidence import row_evidence
from rnacorpus.harvester.base import (
    FetchedStudy,
    Source,
    StudyGoneError,
    StudyRef,
    enriched_content_key,
    fetched_content_key,
    get_source,
    study_content_key,
)
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.deferred_check import UnverifiedBody, deferring_body_checks, mark_proven, settle_unverified
from rnacorpus.schemas import SourceFile, StudyBundle
from rnacorpus.schemas.row_judge import judging_rows

__all__ = [
    "Fetched",
    "StudyError",
    "StudyManifest",
    "StudyTask",
    "build_study",
    "fetch_study",
    "parse_and_prove",
    "process_study",
    "seed_sources",
    "worker_source",
]

log = logging.getLogger(__name__)

Step = Literal["fetch", "parse", "enrich", "harmonize", "load", "worker"]


@dataclass(frozen=True)
class StudyTask:
    """Everything one study's work needs; the same task always yields the same package."""

    ref: StudyRef
    config: Config
    #: every version that changes how the study's files are read (``pipeline_salt``): part of its content key
    salt: str
    #: the content key the catalog holds for the study (the work stops at fetch when it is unchanged)
    stored_key: str | None = None
    #: ask the archive whether each cached file is still current (refresh)
    revalidate: bool = False
    #: parse and enrich again even when the study's own files are unchanged (other archives changed)
    force: bool = False


@dataclass(frozen=True)
class StudyError(FailureRecord):
    """A failure, as data (exceptions do not always pickle, and the quarantine wants these fields)."""

    #: the archive serves nothing of the study any more (a refresh tombstones it)
    gone: bool = False

    @classmethod
    def from_exception(cls, error: BaseException) -> StudyError:
        record = FailureRecord.of(error)
        gone = isinstance(error, StudyGoneError)
        return cls(record.kind, record.message, record.path, record.url, record.line, gone)


@dataclass(frozen=True)
class StudyManifest:
    """What one study's work produced (small: it travels back to the driver)."""

    accession: str
    status: Literal["packaged", "unchanged", "failed"]
    step: Step
    #: the archive's last-update stamp of what was fetched (None when the fetch failed or gave none)
    last_update: dt.date | None = None
    content_key: str | None = None
    package: PackageRef | None = None
    error: StudyError | None = None
    #: the failure was a cached body found incomplete after it was stored (and evicted): fetching the
    #: study again downloads it again
    refetch: bool = False
    #: the exception itself, for the process that raised it (the run's outage guard asks whether it
    #: belongs to a host's failure streak); never pickled — exceptions do not always survive that
    cause: BaseException | None = field(default=None, compare=False, repr=False)

    @property
    def n_samples(self) -> int:
        return self.package.n_samples if self.package is not None else 0

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "cause": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class Fetched:
    """A fetched study whose content changed: the input of :func:`build_study`."""

    task: StudyTask
    fetched: FetchedStudy
    content_key: str
    #: bodies stored (or found in the cache) unverified: the build proves them whole or evicts them
    unverified: tuple[UnverifiedBody, ...] = ()


_sources: dict[tuple[str, str], Source] = {}
_sources_lock = threading.Lock()


def worker_source(name: str, config: Config) -> Source:
    """This process's source ``name`` for ``config`` (one HTTP client per process and configuration)."""
    key = (name, repr(config))
    with _sources_lock:
        source = _sources.get(key)
        if source is None:
            from rnacorpus.harvester.http import HttpClient
            from rnacorpus.pipeline.pool_limits import pool_limiter

            limiter = None
            if config.scheduler is not None:  # on a cluster's worker: tokens from the scheduler's buckets
                from rnacorpus.pipeline.cluster_limits import worker_limiter

                limiter = worker_limiter(config)
            # in a local pool's build process: tokens from the driver's buckets (None in the driver)
            client = HttpClient(config, limiter=limiter or pool_limiter(config))
            source = _sources[key] = get_source(name, client, config)
        return source


def seed_sources(config: Config, sources: dict[str, Source]) -> None:
    """Let work run in this process use the driver's own sources (and its client and rate limits)."""
    with _sources_lock:
        for name, source in sources.items():
            _sources[(name, repr(config))] = source


def _failed(
    task: StudyTask, step: Step, error: BaseException, last_update: dt.date | None, *, refetch: bool = False
) -> StudyManifest:
    if not isinstance(error, RnacorpusError):
        log.error("%s: unexpected error in step %s", task.ref.accession, step, exc_info=error)
    error_data = StudyError.from_exception(error)
    return StudyManifest(
        task.ref.accession, "failed", step, last_update, error=error_data, refetch=refetch, cause=error
    )


def fetch_study(task: StudyTask, source: Source | None = None) -> Fetched | StudyManifest:
    """Fetch the study's files; a manifest when it ends here (unchanged or failed), else what to build."""
    source = source or worker_source(task.ref.source, task.config)
    with deferring_body_checks() as deferred:
        try:
            fetched = source.fetch(task.ref, revalidate=task.revalidate)
        except Exception as exc:  # one study's failure must not stop the run; it is quarantined
            # no parse will prove what was stored unverified before the failure: check it whole now
            evicted = settle_unverified(deferred.bodies, task.config.cache_dir, set(), _limits(task))
            return _failed(task, "fetch", exc, None, refetch=evicted is not None)
    key = fetched_content_key(fetched.files, task.salt)
    if task.stored_key is not None and study_content_key(task.stored_key) == key and not task.force:
        # these are the bytes the catalog's copy was built from, and that build proved them whole
        mark_proven(deferred.bodies, task.config.cache_dir)
        return StudyManifest(task.ref.accession, "unchanged", "fetch", fetched.ref.last_update, task.stored_key)
    fetched.files = recorded_files(fetched.files, task.config)  # where any machine finds them
    return Fetched(task, fetched, key, tuple(deferred.bodies))


def _limits(task: StudyTask) -> CheckLimits:
    return CheckLimits.from_config(task.config)


def build_study(work: Fetched) -> StudyManifest:
    """Parse, harmonize, write shards and the load package: the CPU-bound half, run in a pool."""
    from rnacorpus.catalog.early_shard import EarlyFeatureShards
    from rnacorpus.pipeline.enrich import enrich_study, enriching_names
    from rnacorpus.pipeline.external import harmonize_external
    from rnacorpus.pipeline.plan import build_load_plan, pipeline_salt
    from rnacorpus.pipeline.preload import warm_beside
    from rnacorpus.pipeline.shards_ahead import ShardsAhead

    warm_beside()  # the metadata step's ontology tables load beside the parse, not after it
    task = work.task
    last_update = work.fetched.ref.last_update
    step: Step = "parse"
    try:
        if pipeline_salt() != task.salt:  # a worker with other references would build another package
            raise RnacorpusError("this worker's reference versions differ from the driver's; reinstall it")
        fetched = replace(work.fetched, files=local_files(work.fetched.files, task.config))
        store = ExpressionStore(task.config.store_dir)
        # the feature-level shards' row groups are encoded while the parse spools them (unused ones
        # are dropped at the end of the block)
        with EarlyFeatureShards(None if store.is_remote else store.root):
            bundle = parse_and_prove(work, fetched)
            step = "enrich"  # other archives' runs and characteristics of its samples
            enrichers = [worker_source(name, task.config) for name in enriching_names(task.config)]
            added = enrich_study(bundle, task.ref.source, enrichers, revalidate=task.revalidate)
            step = "harmonize"
            load_key = enriched_content_key(work.content_key, added)
            # each shard is written as soon as it is planned, beside the rest of the harmonize step
            # (a forced rebuild under the catalog's own key writes the paths committed rows point at: kept)
            discard = load_key != task.stored_key
            with ShardsAhead(store, archive=bundle.study.archive, content_key=load_key, discard=discard) as ahead:
                plan = build_load_plan(bundle, content_sha256=load_key, on_shard=ahead.start)
                harmonize_external(bundle, plan)  # silent fields from other archives' records
                record_locations(bundle, task.config)  # read from local copies until here
                step = "load"
                rows = encode_rows_ahead(store, plan)  # while the last shards are still being written
                ahead.collect(plan)
        package = write_package(store, plan, rows)
    except _EvictedBody as exc:
        return _failed(task, step, exc.error, last_update, refetch=True)
    except Exception as exc:  # quarantined by the driver
        return _failed(task, step, exc, last_update)
    return StudyManifest(task.ref.accession, "packaged", "load", last_update, load_key, package)


class _EvictedBody(Exception):
    """A body the build found incomplete (and evicted); ``error`` is what its download's check says."""

    def __init__(self, error: RnacorpusError) -> None:
        super().__init__(str(error))
        self.error = error


def parse_and_prove(work: Fetched, fetched: FetchedStudy) -> StudyBundle:
    """The study parsed, with the bodies its fetch left unverified proven whole by the parse (or, for
    those it did not read to their end, by a check of their own) — or evicted: :class:`_EvictedBody`,
    raised in place of whatever the parse made of an incomplete body."""
    task = work.task
    # the parser judges each row's unit evidence while it holds it, and proves the bodies it reads whole
    with judging_rows(row_evidence), recording_whole_reads() as read_whole:
        try:
            bundle = worker_source(task.ref.source, task.config).parse(fetched)
        except Exception as exc:
            bad = settle_unverified(work.unverified, task.config.cache_dir, read_whole, _limits(task))
            if bad is None:
                raise
            raise _EvictedBody(bad) from exc
    bad = settle_unverified(work.unverified, task.config.cache_dir, read_whole, _limits(task))
    if bad is not None:
        raise _EvictedBody(bad)
    return bundle


def recorded_files(files: list[SourceFile], config: Config) -> list[SourceFile]:
    """The files as the catalog records them and a build finds them: with a cache on object storage,
    each file's URL in the cache of record instead of this machine's working copy."""
    from rnacorpus.harvester.cache import RawCache

    cache = RawCache(config.cache_dir)
    if cache.remote is None:
        return files
    return [replace(f, path=cache.location_of(f.path)) for f in files]


def record_locations(bundle: StudyBundle, config: Config) -> None:
    """With a cache on object storage, the catalog records each file (and each parse issue's file) by
    its URL in the cache of record, not by this machine's working copy (enrichment files included)."""
    from rnacorpus.harvester.cache import RawCache

    cache = RawCache(config.cache_dir)
    if cache.remote is None:
        return
    bundle.files = [replace(f, path=cache.location_of(f.path)) for f in bundle.files]
    bundle.issues = [i.model_copy(update={"path": cache.location_of(i.path)}) if i.path else i for i in bundle.issues]


def local_files(files: list[SourceFile], config: Config) -> list[SourceFile]:
    """The inverse, on the machine that builds: local copies (verified) of files recorded by URL."""
    from rnacorpus.harvester.cache import RawCache

    cache = RawCache(config.cache_dir)
    if cache.remote is None:
        return files
    # a placeholder (a file the archive did not serve) has no path: nothing to fetch
    return [replace(f, path=str(cache.localize(f.path, f.sha256))) if f.path else f for f in files]


def process_study(task: StudyTask) -> StudyManifest:
    """The whole of one study's work (fetch and build) in the calling process: the unit a cluster runs;
    a study whose cached body proved incomplete is fetched again (at most ``max_attempts`` times in all)."""
    for _ in range(task.config.max_attempts):
        outcome = fetch_study(task)
        manifest = outcome if isinstance(outcome, StudyManifest) else build_study(outcome)
        if not manifest.refetch:
            break
    return manifest
