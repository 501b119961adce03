"""One thread that runs jobs in submission order; whoever needs a group's jobs done now takes over
what is left of them.

Work that can be done early but must be finished at a given moment (a shard's row groups encoded
while the parse still runs: :mod:`rnacorpus.catalog.early_shard`) runs on the lane's thread; when it
becomes urgent its owner **takes over** what is left of its group: the queued jobs are handed back,
in order, to run in the caller's thread, after the one job the lane may be running for that group
has ended. Jobs of one group therefore always run one at a time and in submission order, whichever
thread runs them, and the caller does not wait behind other groups' jobs.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

__all__ = ["JobLane"]

Job = Callable[[], None]


class JobLane:
    """Jobs in submission order on one thread (started with the first job).

    A job must not raise: it keeps its own errors (the lane would otherwise lose them)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._cond = threading.Condition()
        self._jobs: deque[tuple[object, Job]] = deque()
        self._running: object | None = None  # the group of the job the thread runs now
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, group: object, job: Job) -> None:
        """Queue ``job`` of ``group`` (any object, told apart by identity)."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the lane is closed")
            self._jobs.append((group, job))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def take_over(self, group: object) -> list[Job]:
        """``group``'s queued jobs, in order, removed from the lane, once no job of ``group`` runs on it."""
        with self._cond:
            mine = [job for owner, job in self._jobs if owner is group]
            self._jobs = deque((owner, job) for owner, job in self._jobs if owner is not group)
            while self._running is group:
                self._cond.wait()
        return mine

    def close(self) -> None:
        """Drop the jobs still queued and wait for the one running."""
        with self._cond:
            self._closed = True
            self._jobs.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._closed:
                    self._cond.wait()
                if not self._jobs:
                    return
                group, job = self._jobs.popleft()
                self._running = group
            try:
                job()
            finally:
                with self._cond:
                    self._running = None
                    self._cond.notify_all()
