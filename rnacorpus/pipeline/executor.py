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

import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Literal

from rnacorpus.errors import TransientError

__all__ = ["ExecutorKind", "WorkerLostError", "build_executor", "executor_kind"]

log = logging.getLogger(__name__)

ExecutorKind = Literal["threads", "processes"]


class WorkerLostError(TransientError):
    """The workers running a study's build died more often than the executor retries (a cluster's
    ``allowed-failures``); the study is quarantined as ``worker_lost`` and the run goes on."""

    kind = "worker_lost"


#: imported once by the fork server, so each worker process starts with them loaded
_PRELOAD = ["rnacorpus.pipeline.worker", "rnacorpus.pipeline.plan"]


def executor_kind(workers: int, requested: str = "auto") -> ExecutorKind:
    """``auto``: one build thread for one worker, processes for more (the GIL serializes threads)."""
    if requested in ("threads", "processes"):
        return requested  # type: ignore[return-value]
    return "processes" if workers > 1 else "threads"


def build_executor(workers: int, kind: ExecutorKind) -> Executor:
    """A local pool for the CPU-bound half of the per-study work."""
    if kind == "threads":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rnacorpus-build")
    # forkserver, not fork: the driver runs threads (downloads, DuckDB), and forking a threaded
    # process can deadlock the child; the fork server itself is a fresh single-threaded process
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_exit_with_driver)


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
