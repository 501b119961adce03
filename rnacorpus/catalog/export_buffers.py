"""The row groups' value buffers of an export: one fixed pool, touched once, lent and given back
(:class:`GroupBuffers`; how many an export needs is :func:`.export_parts.buffers_in_flight`). Split from
:mod:`.export_parts` when that passed 400 lines.
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np
import numpy.typing as npt

__all__ = ["GroupBuffers"]


class GroupBuffers:
    """The row groups' value buffers: a fixed pool, allocated and touched once, lent to a split while
    it fills a group and given back once a lane has encoded it.

    The pool holds :func:`buffers_in_flight` buffers — one filling per split, one queued and one
    encoding per writer lane, the most an export can use at once — in one allocation made when the
    export starts and touched whole by a helper thread right away (:meth:`_touch`). Its resident memory
    is therefore the same at 10^4 and 10^5 samples, whatever the lanes' timing. Before, buffers were
    made on demand: a short export might never need the last one or two (10^4 samples: 5 of 7 made in
    four runs, 10^5: 7), and whether glibc placed them in its own mapping or in the heap depended on
    what the export had freed before (its mmap threshold moves), so the peak moved by 30-50 MiB between
    sizes and between runs of one size (docs/benchmarks.md, session 27). One block larger than glibc's
    largest mmap threshold (32 MiB) is always a mapping of its own and never fragments the heap.
    :meth:`take` waits for a buffer when all are lent (it cannot happen with the capacity the export
    gives, but a smaller pool then slows the writer instead of growing).

    A fresh 16 MiB buffer per row group (what the export did before session 25) came from the
    kernel each time, so every group's copy first faulted in and zeroed its pages: ~3% of a
    10^4-sample export's CPU, in the thread that forms the groups.
    """

    def __init__(self, group_rows: int, n_features: int, capacity: int) -> None:
        self.shape = (group_rows, n_features)
        self.capacity = max(1, capacity)
        pool = np.empty((self.capacity, group_rows, n_features), dtype=np.float32)
        self.pool = pool
        self.spare: deque[npt.NDArray[np.float32]] = deque(pool)  # given back by the lanes' threads
        self._lendable = threading.Semaphore(self.capacity)
        #: set per buffer once its pages are touched; a buffer is lent only after that
        self._touched = [threading.Event() for _ in range(self.capacity)]
        self._toucher = threading.Thread(target=self._touch, name="rnacorpus-pool-touch", daemon=True)
        self._toucher.start()

    def _touch(self) -> None:
        """Touch one value per 4 KiB page of every buffer, in the order :meth:`take` lends them, so the
        whole pool is resident early in every export (not as the lanes' timing happens to need its
        last buffers). In a helper thread: first-touching 7 x 16 MiB took ~0.2 s on the benchmark VM
        (each fresh page is backed by its host on first touch), all of it before the first shard
        was read while done in the caller; here it overlaps the first shard's read and
        normalization. Touching writes, so a buffer is lent only once its event is set."""
        try:
            for index in reversed(range(self.capacity)):  # take() pops from the right
                self.pool[index].reshape(-1)[::1024] = 0
                self._touched[index].set()
        finally:  # never leave a borrower waiting (an untouched buffer is merely faulted in on use)
            for event in self._touched:
                event.set()

    def wait_resident(self) -> None:
        """Return once every buffer of the pool has been touched."""
        self._toucher.join()

    def take(self) -> npt.NDArray[np.float32]:
        self._lendable.acquire()
        buffer = self.spare.pop()
        self._touched[self._index(buffer)].wait()
        return buffer

    def _index(self, buffer: npt.NDArray[np.float32]) -> int:
        return (buffer.ctypes.data - self.pool.ctypes.data) // buffer.nbytes

    def give_back(self, buffer: npt.NDArray[np.float32]) -> None:
        self.spare.append(buffer)
        self._lendable.release()
