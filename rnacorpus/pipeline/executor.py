"""Where per-study work runs: the executor seam and the local pools.

An executor is anything with ``submit(fn, *args)`` returning a :class:`concurrent.futures.Future`:
the standard library's thread and process pools, or a cluster's (``distributed.Client.get_executor()``
is one). The driver submits :func:`~rnacorpus.pipeline.worker.build_study` with picklable arguments
and waits on the futures; it never hands a worker a connection or a closure.

Measured on this machine's 2 cores (``docs/decisions.md``, "Executors"): parsing and harmonizing are
pure Python and hold the GIL, so threads add nothing to one core; processes scale. ``--workers 1``
builds in one thread beside the driver (the next study's download overlaps this one's parse, the
commit of the previous one overlaps both); ``--workers N`` builds in N processes.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal

from rnacorpus.errors import TransientError

if TYPE_CHECKING:
    from rnacorpus.pipeline.pool_limits import ServiceAddress

__all__ = ["ExecutorKind", "WorkerLostError", "build_executor", "collect_less", "executor_kind", "start_build_server"]

log = logging.getLogger(__name__)

ExecutorKind = Literal["threads", "processes"]


class WorkerLostError(TransientError):
    """The workers running a study's build died more often than the executor retries (a cluster's
    ``allowed-failures``); the study is quarantined as ``worker_lost`` and the run goes on."""

    kind = "worker_lost"


#: allocations between the collector's youngest-generation passes during a run (CPython's default: 700).
#: Parsing and harmonizing allocate millions of short-lived, acyclic objects (lines, dicts, records)
#: beside long-lived caches and the ontology index; at the default, the collector's passes took ~18 %
#: of a metadata build's CPU (0.73 -> 0.60 ms per sample, same run, 20,000 generated samples).
GC_THRESHOLD = 50_000

#: imported once by the fork server, so each worker process starts with the modules and the ontology
#: tables loaded (:mod:`.preload`)
_PRELOAD = ["rnacorpus.pipeline._forkserver_preload"]


def executor_kind(workers: int, requested: str = "auto") -> ExecutorKind:
    """``auto``: one build thread for one worker, processes for more (the GIL serializes threads)."""
    if requested in ("threads", "processes"):
        return requested  # type: ignore[return-value]
    return "processes" if workers > 1 else "threads"


def build_executor(workers: int, kind: ExecutorKind, *, limits: ServiceAddress | None = None) -> Executor:
    """A local pool for the CPU-bound half of the per-study work; its processes take their request
    tokens from the driver's buckets at ``limits`` (:mod:`.pool_limits`)."""
    if kind == "threads":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rnacorpus-build")
    context = _start_fork_server()
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(limits,))


def start_build_server(workers: int, requested: str = "auto") -> bool:
    """Start the build processes' fork server now if a run with these settings builds in local processes.

    A command calls this first thing, before its own imports and the catalog's start: the server's
    preload (~1.5 s of modules and ontology tables) then runs beside them instead of after them, and
    the build processes start that much sooner (:func:`build_executor` finds the server running). A
    run that then builds nothing has spent that preload on the other core for nothing. Returns
    whether the server was started (or was already running)."""
    if executor_kind(workers, requested) != "processes":
        return False
    _start_fork_server()
    return True


def _start_fork_server() -> multiprocessing.context.BaseContext:
    # forkserver, not fork: the driver runs threads (downloads, DuckDB), and forking a threaded
    # process can deadlock the child; the fork server itself is a fresh single-threaded process
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    # start the fork server now: it loads the preload (~1.5 s) beside the driver's first fetches,
    # instead of after the first study is handed to the pool (a running server is left as it is)
    multiprocessing.forkserver.ensure_running()
    return context


@contextlib.contextmanager
def collect_less() -> Iterator[None]:
    """Run the body with the cyclic collector's young generation at :data:`GC_THRESHOLD` (restored after)."""
    before = _collect_less_often()
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _collect_less_often() -> tuple[int, ...]:
    """Raise the young generation's threshold to :data:`GC_THRESHOLD`; returns the thresholds before."""
    before = gc.get_threshold()
    gc.set_threshold(max(GC_THRESHOLD, before[0]), *before[1:])
    return before


def _start_worker(limits: ServiceAddress | None) -> None:
    from rnacorpus.pipeline.pool_limits import join

    join(limits)
    _collect_less_often()  # for the build process's life
    _exit_with_driver()


def _exit_with_driver() -> None:
    """In each worker: leave when the driver dies (kill -9 included) instead of lingering as an orphan.

    A pool's workers wait on a queue whose write end they hold themselves, so they never see the
    driver go; multiprocessing's parent sentinel does (it becomes readable when the driver's end closes).
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="rnacorpus-driver-watch", daemon=True).start()
