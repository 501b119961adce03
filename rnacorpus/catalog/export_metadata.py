"""The part rows' sample metadata (:data:`.export_parts.PART_COLUMNS`), fetched from the catalog a
window of :data:`METADATA_WINDOW` plan rows at a time, one window ahead in a helper thread.

The writing thread (:func:`.export_write.write_parts`) asks for each block's rows in plan order. It
used to run each window's query itself when a block first reached past the window: the first one
before the first row could be normalized (while the other core had nothing to do), and each later
one (~0.05-0.1 s, 13 at 10^5 samples) while the encoders waited for the next row group. Now the
helper runs the query for the window after the one in use (the first one at once, beside the first
shard's opening), on a DuckDB cursor of its own — a connection is not shared between threads — and
the writing thread only waits when it catches up with it. A block that straddles two windows gets
the tail of one and the head of the next. Memory: two windows of metadata (~18 short columns × 8,192
rows), not growing with the export.

A window was one join of its accessions against the whole ``samples`` table, a scan of every row per
window: quadratic, ~23 CPU-s at 10^6 samples. The windows after the first now come from one scan
(:class:`.export_sample_rows.SampleRowsInOrder`, run by the helper's second task): the same rows,
columns and order. The first window is still one join of its own: the writing thread waits for it
before it fills its first row group, and waiting for the scan of the whole list there left the cores
to the scan alone (10^5 samples: first row group handed to a lane 0.61 -> 0.44 s after the plan, one
pair on a loaded machine; the scan took ~4 CPU-s at 10^6); the scan now runs while the first
window's rows are written, and not at all for an export of one window.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from pathlib import Path

import duckdb
import pyarrow as pa

from rnacorpus.catalog.export_parts import PART_COLUMNS
from rnacorpus.catalog.export_sample_rows import SampleRowsInOrder
from rnacorpus.catalog.export_threads import background_thread

__all__ = ["METADATA_WINDOW", "SampleMetadata"]

#: samples whose metadata one query fetches
METADATA_WINDOW = 8192
_SAMPLE_SELECT = ", ".join(["s.accession AS sample_accession", *(f"s.{c}" for c in PART_COLUMNS[1:])])


class SampleMetadata:
    """Sample metadata of the plan's rows (``accessions``, in plan order), asked for in plan order."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        accessions: pa.ChunkedArray,
        schema: pa.Schema,
        spill_dir: Path | None = None,
    ) -> None:
        self.accessions = accessions
        self.schema = pa.schema([schema.field(c) for c in PART_COLUMNS])
        self.cursor = con.cursor()  # made here, used by the helper thread alone
        self.ordered = SampleRowsInOrder(self.cursor, accessions, _SAMPLE_SELECT, METADATA_WINDOW, spill_dir)
        self.start, self.table = 0, self.schema.empty_table()
        self._next: Future[pa.Table] | None = None
        self._next_start = 0
        #: CPU seconds of the queries (the helper thread's, mostly)
        self.cpu = 0.0
        self._ahead(0)

    def rows(self, start: int, stop: int) -> pa.Table:
        """The metadata of plan rows ``start:stop`` (callers go forward through the plan)."""
        if start < self.start:  # not how the export asks; answered all the same, by a query of its own
            if self._next is not None:
                self._next.exception()  # waits: the cursor is the helper's until its query ends
            return self._query(start, stop)
        pieces = []
        while start < stop:
            if start >= self.start + self.table.num_rows:
                self._advance(start)
            take = min(stop, self.start + self.table.num_rows) - start
            pieces.append(self.table.slice(start - self.start, take))
            start += take
        return pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces)

    def _advance(self, start: int) -> None:
        """Make the window holding plan row ``start`` current (the prefetched one when it is that one)."""
        pending, first = self._next, self._next_start
        self._next = None
        if pending is not None and first <= start < first + METADATA_WINDOW:
            table = pending.result()
        else:  # a jump past the prefetched window: not how the export asks
            if pending is not None:
                pending.exception()  # waits: the cursor is free again
            first = start
            table = self._query(first, first + METADATA_WINDOW)
        self.start, self.table = first, table
        self._ahead(first + table.num_rows)

    def _ahead(self, start: int) -> None:
        if start < len(self.accessions):
            self._next_start = start
            self._next = background_thread("rnacorpus-export-metadata").submit(
                self._query, start, start + METADATA_WINDOW
            )

    def _query(self, start: int, stop: int) -> pa.Table:
        started = time.thread_time()
        try:
            return self._fetched(start, stop)
        finally:
            self.cpu += time.thread_time() - started  # one query at a time: no other writer

    def _fetched(self, start: int, stop: int) -> pa.Table:
        first = start // METADATA_WINDOW
        windows = [self._window(k) for k in range(first, -(-stop // METADATA_WINDOW))]
        table = windows[0] if len(windows) == 1 else pa.concat_tables(windows)
        table = table.slice(start - first * METADATA_WINDOW, stop - start)
        return table.cast(self.schema).combine_chunks()

    def _window(self, k: int) -> pa.Table:
        """Window ``k``: the first one from a join of its own (the writing thread waits for it before
        it fills the first row group), the others from the one scan, which thus runs while the first
        window's rows are written (and not at all for an export of one window)."""
        if k == 0 and not self.ordered.scanned:
            return self.ordered.joined(0)
        return self.ordered.window(k)

    def close(self) -> None:
        """Wait for the helper's query, if one runs, and close the cursor."""
        if self._next is not None:
            self._next.exception()  # an error there is not this call's to raise
            self._next = None
        self.ordered.close()
        self.cursor.close()
