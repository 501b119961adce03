"""Helper threads that let an export read, compute and write at the same time.

Parquet decoding, sha256, NumPy arithmetic and Parquet encoding all release the GIL, so an export
that reads the next block in one thread, normalizes in the caller's and encodes in a third keeps
both cores of a laptop busy. Each queue holds a couple of items, so memory stays bounded by a few
blocks; the writer takes its work in order, so the same plan still writes the same bytes. An error
in a helper thread is raised in the caller at its next step; closing stops the helpers.
:func:`background_thread` is the one long-lived thread of a kind (shard hashing, part flushing)
that every export and read in the process shares.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["OrderedWorker", "background_thread", "prefetch"]

T = TypeVar("T")
_DONE = object()
_background: dict[str, ThreadPoolExecutor] = {}
_background_lock = threading.Lock()


def background_thread(name: str) -> ThreadPoolExecutor:
    """This process's one thread named ``name``, made on first use and shared by every caller (the
    lock: two writer lanes asking at once must not each make one); work handed to it runs in order."""
    with _background_lock:
        pool = _background.get(name)
        if pool is None:
            pool = _background[name] = ThreadPoolExecutor(1, thread_name_prefix=name)
        return pool


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(
    items: Iterable[T], depth: int = 2, cpu: dict[str, float] | None = None, name: str = "prefetch"
) -> Generator[T, None, None]:
    """Iterate ``items`` in a helper thread, at most ``depth`` items ahead of the caller
    (``cpu[name]``, when given, receives the thread's CPU seconds). Prefetches chain: a
    prefetch of ``map(f, prefetch(items))`` runs ``items`` and ``f`` in two threads."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            _produce()
        finally:
            if cpu is not None:
                cpu[name] = time.thread_time()

    def _produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(_DONE)
        except BaseException as exc:  # handed to the caller, raised there
            ready.put(_Failure(exc))

    thread = threading.Thread(target=produce, name=f"rnacorpus-{name}", daemon=True)
    thread.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                ready.get(timeout=0.1)
            except queue.Empty:
                continue
        thread.join()


class OrderedWorker:
    """Runs submitted calls one at a time, in submission order, in a helper thread.

    At most ``depth`` calls wait at once: :meth:`submit` blocks while they do, unless told not to
    (``wait=False``) — for the last calls of a job, which the submitter hands over all at once so that
    it can go on with other work while they run."""

    def __init__(self, depth: int = 4) -> None:
        self._tasks: queue.Queue[Any] = queue.Queue()
        self._slots = threading.Semaphore(depth)
        self._error: BaseException | None = None
        #: the thread's CPU seconds, once closed
        self.cpu_seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="rnacorpus-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            task, held_slot = self._tasks.get()
            if held_slot:
                self._slots.release()  # taken off the queue: no longer waiting
            if task is _DONE:
                self.cpu_seconds = time.thread_time()
                return
            if self._error is None:
                try:
                    task()
                except BaseException as exc:  # kept, raised in the submitting thread
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, call: Callable[[], object], *, wait: bool = True) -> None:
        """Queue ``call``; with ``wait`` (the default) first wait until fewer than ``depth`` calls wait."""
        self._raise()
        if wait:
            self._slots.acquire()
        self._tasks.put((call, wait))

    def close(self) -> None:
        """Wait for every submitted call; raise the first error one of them raised."""
        if self._thread.is_alive():
            self._tasks.put((_DONE, False))
            self._thread.join()
        self._raise()
