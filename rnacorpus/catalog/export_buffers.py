"""The row groups' value buffers of an export: one fixed pool, touched once, lent and given back
(:class:`GroupBuffers`; how many an export needs is :func:`.export_parts.buffers_in_flight`). Split from
:mod:`.export_parts` when that passed 400 lines.
"""

from __future__ import annotations

import mmap
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

    Once the last row is dealt (:meth:`drain`), no buffer is lent again: the pages of each buffer
    not lent, and of each given back after, go back to the kernel at once. The export's tail —
    ``samples.parquet`` queried and written while the lanes encode their last groups — then runs
    beside the few buffers still encoding instead of beside the whole pool (it was the peak of a
    10^5-sample export). The pool is an anonymous mapping of its own, so those pages can be
    dropped (``MADV_DONTNEED``) without touching any other allocation.
    """

    def __init__(self, group_rows: int, n_features: int, capacity: int) -> None:
        self.shape = (group_rows, n_features)
        self.capacity = max(1, capacity)
        count = self.capacity * group_rows * n_features
        self._mapping = _private_mapping(max(4 * count, 1))
        pool = np.frombuffer(self._mapping, dtype=np.float32, count=count).reshape(self.capacity, *self.shape)
        self.pool = pool
        self.spare: deque[npt.NDArray[np.float32]] = deque(pool)  # given back by the lanes' threads
        self._lock = threading.Lock()
        self._draining = False
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
        with self._lock:  # against drain(): a buffer given back is dropped by one of the two
            self.spare.append(buffer)
            drop = self._draining
        if drop:
            self._drop(buffer)
        self._lendable.release()

    def drain(self) -> None:
        """No buffer will be taken again: drop the pages of every buffer not lent now, and of every
        buffer given back from now on (see the class doc)."""
        with self._lock:
            self._draining = True
            spare = list(self.spare)
        for buffer in spare:
            self._drop(buffer)

    def _drop(self, buffer: npt.NDArray[np.float32]) -> None:
        """Hand the whole pages of ``buffer`` back to the kernel (they read as zeros if touched again)."""
        if not hasattr(self._mapping, "madvise") or not hasattr(mmap, "MADV_DONTNEED"):
            return  # not on this platform (Windows): the pool stays resident until the export ends
        offset = buffer.ctypes.data - self.pool.ctypes.data
        start = -(-offset // mmap.PAGESIZE) * mmap.PAGESIZE
        stop = (offset + buffer.nbytes) // mmap.PAGESIZE * mmap.PAGESIZE
        if stop > start:
            self._mapping.madvise(mmap.MADV_DONTNEED, start, stop - start)


def _private_mapping(size: int) -> mmap.mmap:
    """Anonymous memory of this process alone: private, so that pages dropped from it are freed
    (``mmap``'s default is a shared mapping, whose pages the kernel keeps after ``MADV_DONTNEED``)."""
    if hasattr(mmap, "MAP_PRIVATE") and hasattr(mmap, "MAP_ANONYMOUS"):
        return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    return mmap.mmap(-1, size)  # Windows: no flags (and no madvise: nothing is dropped there)
