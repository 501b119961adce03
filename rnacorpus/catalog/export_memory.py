"""The Arrow memory pool an export allocates from: jemalloc where pyarrow has it, for the export's duration.

Why: an export decodes ~0.45 GB of shard Parquet per 10^4 samples and encodes ~0.75 GB of parts, and
Arrow's record reader and column writer grow their buffers by reallocation, one row group after
another. pyarrow's default pool (mimalloc) hands the freed pages of a big block back to the kernel
within milliseconds, so every row group's buffers are fresh pages again: the kernel zeroes them on
first touch (``clear_page_erms``), and on the benchmark VM — which returns freed memory to its host —
each such page is first backed again by the host. jemalloc keeps freed pages for reuse a while and
grows a big block in place where it can. 10^4-sample exports, four interleaved pairs on a loaded
machine (session 30): 5.08 / 5.28 / 5.42 / 5.22 → 5.01 / 5.20 / 5.06 / 5.17 CPU-s (read stage 1.61-1.71
→ 1.56-1.62), peak RSS 573-592 → 532-551 MiB; the same bytes. (The whole process on jemalloc, by
``ARROW_DEFAULT_MEMORY_POOL``, took ~500 MiB: Parquet's decompression and page buffers come from
Arrow's C++ default pool, which a library cannot switch for the duration of one call.)

The pool is pyarrow's default (:func:`pyarrow.set_memory_pool`): the Parquet reader and writer take
their buffers from it, and they have no other way to be given one (``ParquetFile`` takes no pool). It
is switched only while an export runs and switched back after the last one in the process ends; a
process that chose its pool (``ARROW_DEFAULT_MEMORY_POOL``) or a build without jemalloc keeps its own.
Buffers remember the pool that made them, so a buffer made during an export is freed correctly after.

DuckDB has an allocator of its own (jemalloc, on Linux), which keeps the pages a query freed for its
next allocations: the planning queries of 10^5 samples (choosing shards, split units) left ~30 MiB
resident for the whole export, about five times what 10^4 samples left, so the export's peak grew
with its samples. :data:`EXPORT_DUCKDB_SETTINGS` has DuckDB hand such pages back whenever a query
frees its memory (after planning, 10^5 samples: 314 → 282 MiB resident; 10^4: 242 → 231).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import pyarrow as pa

__all__ = ["EXPORT_DUCKDB_SETTINGS", "export_memory_pool"]

#: DuckDB settings of an export's connection (see the module doc): a "bulk deallocation" above this
#: size flushes DuckDB's allocator; at 0 B every one does (4 MiB and 16 MiB kept the 10^5 planning's
#: pages: its queries free many smaller blocks). A setting of the connection's database instance: no
#: other instance in the process takes it.
EXPORT_DUCKDB_SETTINGS = {"allocator_bulk_deallocation_flush_threshold": "0B"}

_lock = threading.Lock()
#: exports running in this process under the switched pool, and the pool they replaced
_users = 0
_replaced: pa.MemoryPool | None = None


def _jemalloc() -> pa.MemoryPool | None:
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):  # the process chose its pool: keep it
        return None
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc (e.g. Windows)
        return None


@contextlib.contextmanager
def export_memory_pool() -> Iterator[None]:
    """Arrow allocates from jemalloc inside this block (see the module doc); nested and concurrent
    exports share one switch, undone when the last of them ends."""
    global _users, _replaced
    pool = _jemalloc()
    if pool is None:
        yield
        return
    with _lock:
        if _users == 0:
            _replaced = pa.default_memory_pool()
            pa.set_memory_pool(pool)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _replaced is not None:
                pa.set_memory_pool(_replaced)
                _replaced = None
