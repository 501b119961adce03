"""The row groups' buffer pool is made resident by a helper thread, not by the export's own thread:
building the pool returns at once, the whole pool is resident once its toucher is done (so the
export's memory does not depend on how many buffers the lanes' timing reached), and no buffer is
lent before its pages are touched (touching writes into the buffer, so lending it earlier would let
the toucher overwrite rows the export already copied in)."""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import sys
import threading

import numpy as np
import numpy.typing as npt
import pytest

from rnacorpus.catalog.export_buffers import GroupBuffers

#: 16 MiB a buffer, 48 MiB in all: above glibc's largest mmap threshold, so the pool is a fresh mapping
GROUP_ROWS, N_FEATURES, CAPACITY = 16, 262_144, 3


class _HeldToucher(GroupBuffers):
    """A pool whose toucher waits for the test's go-ahead before it touches anything."""

    def __init__(self) -> None:
        self.go = threading.Event()
        super().__init__(GROUP_ROWS, N_FEATURES, CAPACITY)

    def _touch(self) -> None:
        assert self.go.wait(30)
        super()._touch()


def test_the_pool_is_built_without_waiting_for_its_toucher_and_lends_only_touched_buffers() -> None:
    pool = _HeldToucher()  # returns although the toucher has not touched a page
    lent: list[npt.NDArray[np.float32]] = []
    borrower = threading.Thread(target=lambda: lent.append(pool.take()), daemon=True)
    borrower.start()
    borrower.join(0.3)
    assert borrower.is_alive() and not lent, "a buffer was lent before its pages were touched"
    pool.go.set()
    borrower.join(30)
    assert len(lent) == 1 and np.shares_memory(lent[0], pool.pool)
    lent[0][:] = 7.0  # the borrower's rows, written after the lending: the toucher is done with them
    pool.wait_resident()
    assert (lent[0] == 7.0).all()


def _resident_pages(array: npt.NDArray[np.float32]) -> tuple[int, int]:
    """(resident pages, pages) of the whole pages inside ``array``'s memory, by ``mincore``."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    start = -(-array.ctypes.data // mmap.PAGESIZE) * mmap.PAGESIZE
    stop = (array.ctypes.data + array.nbytes) // mmap.PAGESIZE * mmap.PAGESIZE
    pages = (stop - start) // mmap.PAGESIZE
    vector = ctypes.create_string_buffer(pages)
    assert libc.mincore(ctypes.c_void_p(start), stop - start, vector) == 0, ctypes.get_errno()
    return sum(byte & 1 for byte in vector.raw), pages


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="residency is read with Linux's mincore")
def test_every_buffer_is_resident_once_touched_though_none_was_lent() -> None:
    pool = GroupBuffers(GROUP_ROWS, N_FEATURES, CAPACITY)
    pool.wait_resident()
    resident, pages = _resident_pages(pool.pool)
    assert pages >= CAPACITY * 60
    assert resident == pages
