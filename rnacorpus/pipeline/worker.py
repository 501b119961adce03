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
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from rnacorpus.catalog.package import PackageRef, write_package
from rnacorpus.catalog.runs import FailureRecord
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.errors import RnacorpusError
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

__all__ = [
    "Fetched",
    "StudyError",
    "StudyManifest",
    "StudyTask",
    "build_study",
    "fetch_study",
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


_sources: dict[tuple[str, str], Source] = {}
_sources_lock = threading.Lock()


def worker_source(name: str, config: Config) -> Source:
    """This process's source ``name`` for ``config`` (one HTTP client per process and configuration)."""
    key = (name, repr(config))
    with _sources_lock:
        source = _sources.get(key)
        if source is None:
            from rnacorpus.harvester.http import HttpClient

            source = _sources[key] = get_source(name, HttpClient(config), config)
        return source


def seed_sources(config: Config, sources: dict[str, Source]) -> None:
    """Let work run in this process use the driver's own sources (and its client and rate limits)."""
    with _sources_lock:
        for name, source in sources.items():
            _sources[(name, repr(config))] = source


def _failed(task: StudyTask, step: Step, error: BaseException, last_update: dt.date | None) -> StudyManifest:
    if not isinstance(error, RnacorpusError):
        log.error("%s: unexpected error in step %s", task.ref.accession, step, exc_info=error)
    error_data = StudyError.from_exception(error)
    return StudyManifest(task.ref.accession, "failed", step, last_update, error=error_data, cause=error)


def fetch_study(task: StudyTask, source: Source | None = None) -> Fetched | StudyManifest:
    """Fetch the study's files; a manifest when it ends here (unchanged or failed), else what to build."""
    source = source or worker_source(task.ref.source, task.config)
    try:
        fetched = source.fetch(task.ref, revalidate=task.revalidate)
    except Exception as exc:  # one study's failure must not stop the run; it is quarantined
        return _failed(task, "fetch", exc, None)
    key = fetched_content_key(fetched.files, task.salt)
    if task.stored_key is not None and study_content_key(task.stored_key) == key and not task.force:
        return StudyManifest(task.ref.accession, "unchanged", "fetch", fetched.ref.last_update, task.stored_key)
    return Fetched(task, fetched, key)


def build_study(work: Fetched) -> StudyManifest:
    """Parse, harmonize, write shards and the load package: the CPU-bound half, run in a pool."""
    from rnacorpus.pipeline.enrich import enrich_study, enriching_names
    from rnacorpus.pipeline.external import harmonize_external
    from rnacorpus.pipeline.plan import build_load_plan, pipeline_salt

    task = work.task
    last_update = work.fetched.ref.last_update
    step: Step = "parse"
    try:
        if pipeline_salt() != task.salt:  # a worker with other references would build another package
            raise RnacorpusError("this worker's reference versions differ from the driver's; reinstall it")
        bundle = worker_source(task.ref.source, task.config).parse(work.fetched)
        step = "enrich"  # other archives' runs and characteristics of its samples
        enrichers = [worker_source(name, task.config) for name in enriching_names(task.config)]
        added = enrich_study(bundle, task.ref.source, enrichers, revalidate=task.revalidate)
        step = "harmonize"
        load_key = enriched_content_key(work.content_key, added)
        plan = build_load_plan(bundle, content_sha256=load_key)
        harmonize_external(bundle, plan)  # silent fields from other archives' records
        step = "load"
        package = write_package(ExpressionStore(task.config.store_dir), plan)
    except Exception as exc:  # quarantined by the driver
        return _failed(task, step, exc, last_update)
    return StudyManifest(task.ref.accession, "packaged", "load", last_update, load_key, package)


def process_study(task: StudyTask) -> StudyManifest:
    """The whole of one study's work (fetch and build) in the calling process: the unit a cluster runs."""
    outcome = fetch_study(task)
    return outcome if isinstance(outcome, StudyManifest) else build_study(outcome)
