"""The run loop: fetch ahead, build in a pool, commit load packages in order — one committer.

For each study, in the order the run planned them:

1. **fetch** in the driver's threads (:func:`~.worker.fetch_study`): one HTTP client, so each
   archive's rate limit holds; a study whose content key the catalog already holds stops here;
2. **build** in the executor (:func:`~.worker.build_study`: parse, harmonize, shards, load package),
   while later studies download;
3. **commit** in this thread, in plan order: finished studies are gathered until ``config.commit_batch``
   of them are ready or the first has waited :data:`COMMIT_DELAY`, then verified and committed in as
   few short transactions as their overlap allows (:func:`rnacorpus.catalog.load.disjoint_batches`,
   at most ``config.commit_batch`` studies each), together with their run-log rows and quarantine
   changes; then the packages are deleted. A run killed meanwhile loses only uncommitted packages:
   the next run sweeps them and builds those studies again.

At most a window of studies is in flight beyond the commit point, so memory and disk stay bounded
whatever the run's size. A worker process that dies takes its pool with it: the pool is rebuilt and
the studies it held are built again (:data:`MAX_BUILD_ATTEMPTS`); a package whose commit fails is
committed alone, and a study that still fails is quarantined while the rest of the run goes on.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import duckdb

from rnacorpus.catalog.connection import WriterSession, writer
from rnacorpus.catalog.load import Applied, LoadOutcome, apply_packages, disjoint_batches, finish_applied
from rnacorpus.catalog.package import LoadPackage, open_package, remove_package, sweep_packages
from rnacorpus.catalog.runs import clear_quarantine, quarantine_error, record_item
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.harvester.base import Source, StudyRef, get_source
from rnacorpus.harvester.http import HttpClient
from rnacorpus.harvester.ratelimit import Limiter
from rnacorpus.pipeline.enrich import enriching_names
from rnacorpus.pipeline.executor import WorkerLostError, build_executor, collect_less, executor_kind
from rnacorpus.pipeline.outage import OutageGuard
from rnacorpus.pipeline.report import Progress, StudyResult
from rnacorpus.pipeline.worker import (
    Fetched,
    StudyError,
    StudyManifest,
    StudyTask,
    build_study,
    fetch_study,
    seed_sources,
)

if TYPE_CHECKING:
    from rnacorpus.pipeline.cluster import ClusterExecutor
    from rnacorpus.pipeline.pool_limits import BucketService

__all__ = ["MAX_BUILD_ATTEMPTS", "RunOptions", "Stored", "read_stored", "run_studies"]

log = logging.getLogger(__name__)

#: builds of one study lost to dying worker processes before it is quarantined
MAX_BUILD_ATTEMPTS = 3
#: seconds between looks at waiting readers while the committer has nothing to commit
IDLE_TICK = 0.2
#: longest a finished study waits for others to share its commit transaction (``config.commit_batch``)
COMMIT_DELAY = 2.0


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


def read_stored(config: Config, accessions: Sequence[str]) -> dict[str, Stored]:
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


@dataclass
class _Slot:
    task: StudyTask
    fetch: Future[Fetched | StudyManifest]
    work: Fetched | None = None
    build: Future[StudyManifest] | None = None
    attempts: int = 0
    manifest: StudyManifest | None = None


@dataclass
class _Pipeline:
    """Fetch threads and a build executor, with a bounded window of studies in flight."""

    config: Config
    sources: dict[str, Source]
    window: int
    fetchers: ThreadPoolExecutor = field(init=False)
    builders: Executor = field(init=False)
    cluster: ClusterExecutor | None = field(init=False, default=None)
    #: the driver's buckets, served to local build processes (one rate limit for the machine)
    limits: BucketService | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        workers = self.config.workers
        self.kind = executor_kind(workers, self.config.executor)
        if self.config.scheduler is not None:  # builds on a Dask cluster; downloads stay here (one rate limit)
            from rnacorpus.pipeline.cluster import open_cluster

            cluster = self.cluster = open_cluster(self.config)
            workers = max(workers, cluster.threads)
            self.window = max(self.window, 4 * workers)
            self.builders = cluster
        else:
            if self.kind == "processes":
                from rnacorpus.pipeline.pool_limits import BucketService

                self.limits = BucketService(self.config)
            self.builders = self._pool(workers)
        self.fetchers = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rnacorpus-fetch")

    def _pool(self, workers: int) -> Executor:
        return build_executor(workers, self.kind, limits=self.limits.address if self.limits else None)

    def share_limits(self, client: HttpClient) -> Limiter | None:
        """On a cluster or with local build processes, the driver's requests take tokens from the
        buckets its workers share; returns the client's own limiter, to restore after the run (None
        when nothing changed)."""
        if self.cluster is not None:
            return client.use_limiter(self.cluster.limiter(self.config))
        if self.limits is not None:
            return client.use_limiter(self.limits.limiter())
        return None

    def close(self) -> None:
        self.fetchers.shutdown(wait=True, cancel_futures=True)
        self.builders.shutdown(wait=True, cancel_futures=True)
        if self.limits is not None:
            self.limits.close()

    def run(
        self, tasks: Sequence[StudyTask], stop: Callable[[], bool], idle: Callable[[], None]
    ) -> Iterator[list[StudyManifest]]:
        """Manifests in task order, as runs of consecutive finished studies; takes no new study once
        ``stop()`` is true (what is in flight still comes out); calls ``idle()`` while it waits."""
        queue = iter(tasks)
        pending: deque[_Slot] = deque()
        while True:
            while len(pending) < self.window and not stop() and (task := next(queue, None)) is not None:
                source = self.sources[task.ref.source]
                pending.append(_Slot(task, self.fetchers.submit(fetch_study, task, source)))
            if not pending:
                return
            self._advance(pending)
            ready = []
            while pending and pending[0].manifest is not None:
                ready.append(pending.popleft().manifest)
            if ready:
                yield [m for m in ready if m is not None]
                continue
            waiting: list[Future[Any]] = [f for s in pending for f in (s.fetch, s.build) if f and not f.done()]
            if waiting:
                wait(waiting, timeout=IDLE_TICK, return_when=FIRST_COMPLETED)
                idle()

    def _advance(self, pending: deque[_Slot]) -> None:
        broken = False
        for slot in pending:
            if slot.manifest is not None:
                continue
            if slot.work is None and slot.fetch.done():
                outcome = slot.fetch.result()
                if isinstance(outcome, StudyManifest):
                    slot.manifest = outcome
                    continue
                slot.work = outcome
            if slot.work is not None and slot.build is None:
                broken |= not self._submit(slot)
            elif slot.build is not None and slot.build.done():
                try:
                    slot.manifest = slot.build.result()
                except BrokenProcessPool:
                    broken = True
                except WorkerLostError as exc:  # a cluster ran out of retries for it
                    error = StudyError.from_exception(exc)
                    slot.manifest = StudyManifest(slot.task.ref.accession, "failed", "worker", error=error)
        if broken:
            self._rebuild(pending)

    def _submit(self, slot: _Slot) -> bool:
        """Hand the study to the pool; False when the pool is broken (a worker died)."""
        assert slot.work is not None
        try:
            slot.build = self.builders.submit(build_study, slot.work)
        except BrokenProcessPool:
            slot.build = None
            return False
        slot.attempts += 1
        return True

    def _rebuild(self, pending: deque[_Slot]) -> None:
        """A worker process died (killed, out of memory): start a new pool and build its studies again."""
        log.warning("a build worker died; restarting the pool and building its studies again")
        self.builders.shutdown(wait=False, cancel_futures=True)
        self.builders = self._pool(self.config.workers)
        for slot in pending:
            if slot.manifest is not None or slot.work is None:
                continue
            if slot.build is not None and slot.build.done() and slot.build.exception() is None:
                slot.manifest = slot.build.result()
            elif slot.attempts >= MAX_BUILD_ATTEMPTS:
                error = StudyError("worker_lost", f"the worker building it died {slot.attempts} times")
                slot.manifest = StudyManifest(slot.task.ref.accession, "failed", "worker", error=error)
            else:
                self._submit(slot)


@dataclass
class _Committer:
    """The one writer: commits finished studies in order, with their run-log and quarantine rows."""

    config: Config
    store: ExpressionStore
    run_id: str
    options: RunOptions
    stored: dict[str, Stored]
    session: WriterSession

    def commit(self, manifests: list[StudyManifest]) -> list[StudyResult]:
        packages: dict[str, LoadPackage] = {}
        errors: dict[str, StudyError] = {}
        for manifest in manifests:
            if manifest.package is not None:
                try:
                    packages[manifest.accession] = open_package(self.store, manifest.package)
                except Exception as exc:  # a damaged package: quarantined at load, the rest goes on
                    errors[manifest.accession] = StudyError.from_exception(exc)
        results: list[StudyResult] = []
        try:
            for group in self._groups(manifests, packages):
                results += self._transaction(self.session.connection(), group, packages, errors)
                self.session.yield_to_readers()
        finally:
            for manifest in manifests:
                if manifest.package is not None:
                    remove_package(self.store, manifest.package.path.rsplit("/", 1)[-1])
        return results

    def _groups(self, manifests: list[StudyManifest], packages: dict[str, LoadPackage]) -> list[list[StudyManifest]]:
        """Consecutive studies per transaction: each batch of packages with the studies around it."""
        batches = disjoint_batches([packages[m.accession] for m in manifests if m.accession in packages],
                                   self.config.commit_batch)  # fmt: skip
        first = {batch[0].accession: k for k, batch in enumerate(batches)}
        groups: list[list[StudyManifest]] = [[]]
        for manifest in manifests:
            if manifest.accession in first and groups[-1] and first[manifest.accession] > 0:
                groups.append([])
            groups[-1].append(manifest)
        return [g for g in groups if g]

    def _transaction(
        self,
        con: duckdb.DuckDBPyConnection,
        group: list[StudyManifest],
        packages: dict[str, LoadPackage],
        errors: dict[str, StudyError],
    ) -> list[StudyResult]:
        batch = [packages[m.accession] for m in group if m.accession in packages and m.accession not in errors]
        con.execute("BEGIN TRANSACTION")
        try:
            applied = apply_packages(con, self.store, batch, run_id=self.run_id) if batch else Applied()
            results = [self._record(con, m, applied.outcomes.get(m.accession), errors) for m in group]
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            if len(batch) > 1:  # find the package that fails: commit them one at a time
                return [r for m in group for r in self._transaction(con, [m], packages, errors)]
            if not batch:
                raise
            log.error("%s: commit failed: %s", batch[0].accession, exc)
            errors[batch[0].accession] = StudyError.from_exception(exc)
            return self._transaction(con, group, packages, errors)
        if batch:
            finish_applied(con, self.store, applied)
        return results

    def _record(
        self,
        con: duckdb.DuckDBPyConnection,
        manifest: StudyManifest,
        outcome: LoadOutcome | None,
        errors: dict[str, StudyError],
    ) -> StudyResult:
        accession = manifest.accession
        stored = self.stored.get(accession)
        error = errors.get(accession) or manifest.error
        if error is not None and error.gone and self.options.tombstone_gone and stored is not None:
            result = _tombstone(con, accession, stored, error)
        elif error is not None:
            step = "load" if accession in errors else manifest.step
            quarantine_error(con, self.run_id, accession, step, error)
            result = StudyResult(accession, "failed", step, error.message, error.kind)
        else:
            clear_quarantine(con, accession)
            if outcome is None:
                plain = StudyResult(accession, "unchanged", "fetch")
            else:
                plain = StudyResult(accession, outcome, "load", n_samples=manifest.n_samples)
            result = _reinstated(con, accession, stored) or plain
        record_item(con, self.run_id, accession, result.outcome, result.step, result.message)
        return result


def _tombstone(con: duckdb.DuckDBPyConnection, accession: str, stored: Stored, error: StudyError) -> StudyResult:
    """The archive serves nothing of a study the catalog holds: flag it, keep its rows (exports skip it)."""
    clear_quarantine(con, accession)
    if stored.withdrawn:
        return StudyResult(accession, "unchanged", "fetch", "still withdrawn")
    con.execute("UPDATE studies SET withdrawn = true WHERE accession = ?", [accession])
    log.info("%s: the archive no longer serves it; marked withdrawn", accession)
    return StudyResult(accession, "withdrawn", "fetch", error.message, "not_found")


def _reinstated(con: duckdb.DuckDBPyConnection, accession: str, stored: Stored | None) -> StudyResult | None:
    """A study flagged withdrawn that the archive serves again is visible again (an update)."""
    if stored is None or not stored.withdrawn:
        return None
    con.execute("UPDATE studies SET withdrawn = false WHERE accession = ?", [accession])
    log.info("%s: the archive serves it again; no longer withdrawn", accession)
    return StudyResult(accession, "updated", "load", "reinstated: the archive serves it again")


@dataclass
class _Batch:
    """Finished studies waiting for their commit: one transaction per ``size`` studies (each statement
    and COMMIT has a fixed cost: at 500 samples per study, 10 studies per transaction halve the commit's
    CPU per sample), but none waits longer than :data:`COMMIT_DELAY` once it is ready."""

    size: int
    manifests: list[StudyManifest] = field(default_factory=list)
    since: float = 0.0

    def add(self, manifests: Sequence[StudyManifest]) -> None:
        if manifests and not self.manifests:
            self.since = time.monotonic()
        self.manifests += manifests

    def due(self) -> bool:
        waited = time.monotonic() - self.since
        return bool(self.manifests) and (len(self.manifests) >= self.size or waited >= COMMIT_DELAY)

    def take(self) -> list[StudyManifest]:
        taken, self.manifests = self.manifests, []
        return taken


def run_studies(
    refs: Sequence[StudyRef],
    *,
    config: Config,
    client: HttpClient,
    run_id: str,
    progress: Progress,
    on_result: Callable[[StudyResult], None] | None = None,
    options: RunOptions | None = None,
    on_prepared: Callable[[StudyManifest], None] | None = None,
) -> list[StudyResult]:
    """Fetch, build and commit every study of ``refs``; one result per study, in order.

    ``on_prepared`` sees each study's manifest after its work and before its commit (in this thread).
    When an archive stops answering (``client.outage``) the loop stops taking studies and the ones the
    outage interrupted are neither loaded nor quarantined; the caller turns ``client.outage`` into exit 2.
    """
    from rnacorpus.pipeline.plan import pipeline_salt

    opts = options or RunOptions()
    salt = pipeline_salt()
    sources = {name: get_source(name, client, config) for name in sorted({ref.source for ref in refs})}
    # the sources that enrich each study share the driver's client (and its rate limits) in this process
    seed_sources(config, {**{n: get_source(n, client, config) for n in enriching_names(config)}, **sources})
    stored = read_stored(config, [ref.accession for ref in refs])
    tasks = [
        StudyTask(
            ref,
            config,
            salt,
            s.content_key if (s := stored.get(ref.accession)) else None,
            opts.revalidate,
            force=ref.accession in opts.force,
        )
        for ref in refs
    ]
    session = WriterSession(config.catalog_path)
    committer = _Committer(config, ExpressionStore(config.store_dir), run_id, opts, stored, session)
    results: list[StudyResult] = []
    progress.start(len(refs))
    # a failure that may belong to an archive going down is held until the host answers again (then it
    # is the study's own) or the breaker trips (then the study was not run: no quarantine)
    guard: OutageGuard[StudyManifest] = OutageGuard(client.breaker, lambda manifest: manifest.cause)

    def commit(manifests: list[StudyManifest]) -> None:
        for result in committer.commit(manifests) if manifests else []:
            results.append(result)
            progress.advance(result.accession, result.outcome)
            if on_result is not None:
                on_result(result)

    batch = _Batch(config.commit_batch)

    def idle() -> None:
        if batch.due():
            commit(batch.take())
        session.yield_to_readers()

    pipeline = _Pipeline(config, sources, window=max(6, 4 * config.workers))
    own_limiter = pipeline.share_limits(client)
    try:
        with collect_less():
            for manifests in pipeline.run(tasks, stop=lambda: guard.outage is not None, idle=idle):
                for manifest in manifests:
                    if on_prepared is not None:
                        on_prepared(manifest)
                    batch.add(guard.settle(manifest))
                if batch.due():
                    commit(batch.take())
            batch.add(guard.drain())
            commit(batch.take())
    finally:
        session.close()
        if own_limiter is not None:
            client.use_limiter(own_limiter)
        pipeline.close()
        sweep_packages(committer.store)  # what no commit took (studies the outage left, failed commits)
    progress.close()
    if guard.not_run:
        log.info("not run (the archive stopped answering): %s", ", ".join(m.accession for m in guard.not_run))
    return results
