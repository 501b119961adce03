"""The studies in flight: fetched ahead in the driver's threads, built in an executor, handed back in order.

:class:`InFlight` keeps at most a window of studies between "taken from the plan" and "handed to the
committer", so memory and disk stay bounded whatever the run's size. A worker process that dies takes
its pool with it: the pool is rebuilt and the studies it held are built again (:data:`MAX_BUILD_ATTEMPTS`).
A study whose build found a cached body incomplete (stored unverified, :mod:`rnacorpus.harvester.deferred_check`)
is fetched again, as the HTTP client retries a cut download: at most ``config.max_attempts`` fetches in all.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rnacorpus.config import Config
from rnacorpus.harvester.base import Source
from rnacorpus.harvester.http import HttpClient
from rnacorpus.harvester.ratelimit import Limiter
from rnacorpus.pipeline.executor import WorkerLostError, build_executor, executor_kind
from rnacorpus.pipeline.worker import Fetched, StudyError, StudyManifest, StudyTask, build_study, fetch_study

if TYPE_CHECKING:
    from rnacorpus.pipeline.cluster import ClusterExecutor
    from rnacorpus.pipeline.pool_limits import BucketService

__all__ = ["IDLE_TICK", "MAX_BUILD_ATTEMPTS", "InFlight"]

log = logging.getLogger(__name__)

#: builds of one study lost to dying worker processes before it is quarantined
MAX_BUILD_ATTEMPTS = 3
#: seconds between looks at the committer and waiting readers while no study is ready
IDLE_TICK = 0.2


@dataclass
class _Slot:
    task: StudyTask
    fetch: Future[Fetched | StudyManifest]
    work: Fetched | None = None
    build: Future[StudyManifest] | None = None
    attempts: int = 0
    manifest: StudyManifest | None = None
    fetches: int = 1


@dataclass
class InFlight:
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
                    self._finish(slot, outcome)
                    continue
                slot.work = outcome
            if slot.work is not None and slot.build is None:
                broken |= not self._submit(slot)
            elif slot.build is not None and slot.build.done():
                try:
                    self._finish(slot, slot.build.result())
                except BrokenProcessPool:
                    broken = True
                except WorkerLostError as exc:  # a cluster ran out of retries for it
                    error = StudyError.from_exception(exc)
                    slot.manifest = StudyManifest(slot.task.ref.accession, "failed", "worker", error=error)
        if broken:
            self._rebuild(pending)

    def _finish(self, slot: _Slot, manifest: StudyManifest) -> None:
        """The study's outcome; or, when a cached body of it proved incomplete (evicted), a new fetch."""
        if not manifest.refetch or slot.fetches >= self.config.max_attempts:
            slot.manifest = manifest
            return
        log.info("%s: a cached file was incomplete; fetching the study again", slot.task.ref.accession)
        slot.fetches += 1
        slot.work = slot.build = None
        slot.fetch = self.fetchers.submit(fetch_study, slot.task, self.sources[slot.task.ref.source])

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
        self.builders.shutdown(wait=True, cancel_futures=True)  # a broken pool's workers are ended
        from rnacorpus.catalog.store import ExpressionStore

        # a shard or probe table cut by the death (shards are written while a study is still
        # harmonized, :mod:`.shards_ahead`): no build runs now, so the temp files are dead writers'
        ExpressionStore(self.config.store_dir).remove_temp_files()
        self.builders = self._pool(self.config.workers)
        for slot in pending:
            if slot.manifest is not None or slot.work is None:
                continue
            if slot.build is not None and slot.build.done() and slot.build.exception() is None:
                self._finish(slot, slot.build.result())
            elif slot.attempts >= MAX_BUILD_ATTEMPTS:
                error = StudyError("worker_lost", f"the worker building it died {slot.attempts} times")
                slot.manifest = StudyManifest(slot.task.ref.accession, "failed", "worker", error=error)
            else:
                self._submit(slot)
