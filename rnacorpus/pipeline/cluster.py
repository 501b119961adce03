"""Builds on a Dask distributed cluster: the executor seam's cluster side (``--scheduler tcp://HOST:8786``).

:class:`ClusterExecutor` is a :class:`concurrent.futures.Executor` over a ``distributed.Client``, so
the run loop (:mod:`.runner`) drives a cluster exactly as it drives a local process pool: it submits
:func:`~rnacorpus.pipeline.worker.build_study` with picklable arguments and waits on futures. Each
submit is one ``Client.submit`` (named ``build_study-<accession>`` on the dashboard); one thread
follows all of them with ``distributed.as_completed`` and settles the run loop's futures. Nothing
here knows an archive, and nothing schedules: Dask places the tasks, and when a worker dies (killed,
out of memory, its machine gone) the scheduler runs its tasks again elsewhere, up to its
``distributed.scheduler.allowed-failures`` (3 by default); a study that exhausts them comes back as
:class:`~rnacorpus.pipeline.executor.WorkerLostError` and is quarantined as ``worker_lost``.

Before the first study, :func:`open_cluster` checks that the cluster can do the work (one short task
per worker): every worker imports this rnacorpus with the same reference versions (otherwise it would
build other packages), and reaches the store and the cache the driver uses — a local folder must be
the same folder on every worker's machine (one machine, or a shared file system); an object-store URL
is shared by definition. Downloads stay in the driver (one rate limit per archive host for the whole
cluster: ``docs/decisions.md``, "Running on a cluster").

``distributed`` is imported only here, and only when a scheduler is given: the default install does
not need it (``pip install 'rnacorpus[cluster]'``).
"""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError, Executor, Future
from pathlib import Path
from typing import Any, TypeVar

from rnacorpus.config import Config
from rnacorpus.errors import ConfigError
from rnacorpus.harvester.ratelimit import Limiter
from rnacorpus.pipeline.cluster_limits import driver_limiter
from rnacorpus.pipeline.cluster_limits import install as install_shared_buckets
from rnacorpus.pipeline.executor import WorkerLostError

__all__ = ["ClusterExecutor", "open_cluster", "preflight"]

log = logging.getLogger(__name__)

T = TypeVar("T")
#: how long to wait for a first worker to join (the scheduler itself must answer within connect_timeout)
CONNECT_TIMEOUT = 60.0
_PROBE = ".rnacorpus-cluster-probe"


class ClusterExecutor(Executor):
    """Futures on a Dask cluster, as ``concurrent.futures`` futures (one ``as_completed`` follows them all)."""

    def __init__(self, client: Any) -> None:
        from distributed import as_completed

        self.client = client
        self._lock = threading.Condition()
        self._waiting: dict[str, tuple[Any, Future[Any]]] = {}
        self._completed = as_completed([], with_results=False, loop=client.loop)
        self._closed = False
        self._follower = threading.Thread(target=self._follow, name="rnacorpus-cluster-futures", daemon=True)
        self._follower.start()

    def limiter(self, config: Config) -> Limiter:
        """The driver's limiter for this run: the scheduler's buckets, shared with every worker."""
        return driver_limiter(self.client, config)

    @property
    def threads(self) -> int:
        """Worker threads the cluster offers now (what the run loop sizes its window by)."""
        return max(1, int(sum(self.client.nthreads().values())))

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._closed:
            raise RuntimeError("cannot submit to a closed cluster executor")
        task = getattr(args[0], "task", None) if args else None  # a Fetched: name the key by its study
        label = getattr(getattr(task, "ref", None), "accession", None) or uuid.uuid4().hex[:8]
        key = f"{getattr(fn, '__name__', 'task')}-{label}-{secrets.token_hex(4)}"
        remote = self.client.submit(fn, *args, key=key, pure=False, **kwargs)
        local: Future[T] = Future()
        local.set_running_or_notify_cancel()
        with self._lock:
            self._waiting[remote.key] = (remote, local)
            self._completed.add(remote)
            self._lock.notify_all()
        return local

    def _follow(self) -> None:
        """Settle each local future as its cluster future completes (finished, erred, cancelled)."""
        while True:
            with self._lock:
                while self._completed.is_empty() and not self._closed:
                    self._lock.wait(0.5)
                if self._closed and self._completed.is_empty():
                    return
            try:
                remote = next(self._completed)
            except StopIteration:
                continue
            with self._lock:
                _, local = self._waiting.pop(remote.key, (None, None))
            if local is not None:
                _settle(remote, local)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            pending = [remote for remote, _ in self._waiting.values()]
        if cancel_futures and pending:
            self.client.cancel(pending)
        elif wait and pending:
            from distributed import wait as wait_all

            wait_all(pending)
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._follower.join(timeout=30)
        for _, local in self._waiting.values():
            local.cancel()
        self.client.close(timeout=10)


def _settle(remote: Any, local: Future[Any]) -> None:
    from distributed import KilledWorker

    try:
        if remote.status == "finished":
            local.set_result(remote.result())
            return
        if remote.status == "cancelled":
            raise CancelledError(f"{remote.key} was cancelled on the cluster")
        error = remote.exception()
    except Exception as exc:  # the result could not be fetched: its worker left with it
        error = exc
    if isinstance(error, KilledWorker | CancelledError | OSError | TimeoutError):
        error = WorkerLostError(f"the cluster lost the workers building it: {error}")
    local.set_exception(error)


def open_cluster(config: Config) -> ClusterExecutor:
    """Connect to ``config.scheduler`` and check that its workers can build this run's studies."""
    assert config.scheduler is not None
    try:
        from distributed import Client
    except ImportError as exc:
        raise ConfigError(
            "--scheduler needs Dask distributed on this machine and on every worker: pip install 'rnacorpus[cluster]'"
        ) from exc
    try:
        client = Client(config.scheduler, timeout=max(config.connect_timeout, 1.0), set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"no Dask scheduler answers at {config.scheduler}: {exc}") from exc
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        _check_workers(client, config)
        install_shared_buckets(client)
    except BaseException as exc:
        client.close(timeout=10)
        if isinstance(exc, TimeoutError):
            raise ConfigError(f"the Dask scheduler at {config.scheduler} has no worker") from exc
        raise
    log.info("cluster %s: %d workers", config.scheduler, len(client.nthreads()))
    return ClusterExecutor(client)


def _check_workers(client: Any, config: Config) -> None:
    from rnacorpus.pipeline.plan import pipeline_salt

    token = secrets.token_hex(8)
    folders = [f for f in (config.store_dir, config.cache_dir) if isinstance(f, Path)]  # URLs are shared anyway
    probes = [folder / f"{_PROBE}-{token}" for folder in folders]
    for probe in probes:
        probe.parent.mkdir(parents=True, exist_ok=True)
        probe.write_text(token)
    try:
        answers = client.run(preflight, pipeline_salt(), [str(p) for p in probes], token)
    finally:
        for probe in probes:
            probe.unlink(missing_ok=True)
    problems = [f"{worker}: {problem}" for worker, found in sorted(answers.items()) for problem in found]
    if problems:
        raise ConfigError("the cluster's workers cannot build this run's studies:\n  " + "\n  ".join(problems))


def preflight(salt: str, probes: list[str], token: str) -> list[str]:
    """On a worker: what keeps it from building the driver's studies (empty: nothing)."""
    problems = []
    try:
        from rnacorpus.pipeline.plan import pipeline_salt

        if pipeline_salt() != salt:
            problems.append("its rnacorpus or reference versions differ from the driver's; install the same release")
    except Exception as exc:  # rnacorpus not importable there, or its references missing
        problems.append(f"cannot load rnacorpus: {exc}")
    for probe in probes:
        try:
            found = Path(probe).read_text() == token
        except OSError:
            found = False
        if not found:
            problems.append(
                f"cannot read {Path(probe).parent} (a local folder of the driver's machine): "
                "use an object-store URL (--store/--cache s3://…) or a shared file system at the same path"
            )
    return problems
