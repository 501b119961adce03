"""An export's part files are flushed to disk and then dropped from the page cache as they are written
(drop-behind): once the export returns, none of their pages is cached, while their bytes on disk
are what the manifest's sha256 says. A file written the ordinary way stays cached, so the check
below tells the two apart; where the filesystem keeps dropped pages (tmpfs) the test is skipped."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import mmap
import os
import sys
from pathlib import Path

import pytest

from rnacorpus.fileio import flush_and_drop
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="page-cache residency is read with Linux's mincore"
)

GENES = reference_genes(9606, "protein_coding", 2000)


def cached_pages(path: Path) -> tuple[int, int]:
    """(pages of ``path`` in the page cache, pages of ``path``), from ``mincore`` on a mapping of it."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    size = path.stat().st_size
    pages = -(-size // mmap.PAGESIZE)
    fd = os.open(path, os.O_RDONLY)
    try:
        address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        assert address not in (None, ctypes.c_void_p(-1).value), os.strerror(ctypes.get_errno())
        try:
            vector = ctypes.create_string_buffer(pages)
            assert libc.mincore(address, size, vector) == 0, os.strerror(ctypes.get_errno())
            return sum(byte & 1 for byte in vector.raw), pages
        finally:
            libc.munmap(address, size)
    finally:
        os.close(fd)


def _written(path: Path, size: int, drop: bool) -> None:
    with path.open("wb") as handle:
        handle.write(os.urandom(size))
        handle.flush()
        if drop:
            flush_and_drop(handle.fileno(), 0, size)


def test_a_flushed_and_dropped_range_leaves_the_cache_and_an_ordinary_write_does_not(tmp_path: Path) -> None:
    kept, dropped = tmp_path / "kept.bin", tmp_path / "dropped.bin"
    _written(kept, 64 * mmap.PAGESIZE, drop=False)
    _written(dropped, 64 * mmap.PAGESIZE, drop=True)
    if cached_pages(dropped)[0] == 64:
        pytest.skip("this filesystem keeps dropped pages in memory (tmpfs?)")
    assert cached_pages(kept) == (64, 64)
    assert cached_pages(dropped) == (0, 64)


def test_no_page_of_a_written_part_file_stays_cached(tmp_path: Path) -> None:
    probe = tmp_path / "probe.bin"
    _written(probe, 16 * mmap.PAGESIZE, drop=True)
    if cached_pages(probe)[0]:
        pytest.skip("this filesystem keeps dropped pages in memory (tmpfs?)")
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(12)], GENES[i:], seed=i) for i in range(1, 7)]
    catalog = build_catalog(tmp_path / "c", specs)
    out = tmp_path / "export"
    catalog.export(out, genes="protein_coding", normalize="log1p_tpm", splits="train=0.6,validation=0.2,test=0.2")
    files = json.loads((out / "manifest.json").read_text())["files"]
    parts = [entry for entry in files if "/part-" in entry["path"]]
    assert parts
    for entry in parts:
        path = out / entry["path"]
        cached, pages = cached_pages(path)
        assert pages > 16, "a part of a few pages would not show drop-behind"
        assert cached == 0, f"{entry['path']}: {cached} of {pages} pages still cached"
    for entry in parts:  # what was dropped is on disk as hashed
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
