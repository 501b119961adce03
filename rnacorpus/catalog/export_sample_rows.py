"""Rows of ``samples`` for a list of accessions, handed back in that list's order a window at a time,
from one scan of ``samples`` (:class:`SampleRowsInOrder`).

The export asks for sample metadata in an order of its own (plan order for the parts' rows,
:mod:`.export_metadata`; split, part and row order for ``samples.parquet``, :mod:`.export_manifest`).
Each window used to be one DuckDB join of its accessions against the whole ``samples`` table: a
scan of every row per window, quadratic in the export's size (10^6 samples: 123 + 62 windows, ~54
CPU-s, against ~3 CPU-s at 10^5). A window's samples are spread over the table (the plan's order is
the shards' paths, not the catalog's), so no filter narrows one query's scan; what is linear is one
pass that puts each row where it will be asked for:

1. one join of the accessions (with their positions in the list) against ``samples``' accession
   column gives each position its row id (16 bytes a sample, like the plan's own columns);
2. one streamed scan of ``samples`` for those row ids (a semi-join: its hash table holds row ids,
   not rows) appends each fetched batch's rows, with their positions, to one spill file (Arrow IPC,
   in a folder of its own removed on :meth:`close`), one record batch per window they fall in;
3. a window is its record batches read back and ordered by position: the rows,
   columns and order the join gave (each of its positions found in ``samples``, once per position).

Memory: one fetched batch and one window at a time, not the export; the spill is ~200-500 bytes a
sample on disk, read once per window asked for.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.catalog.export_select import registered

__all__ = ["SampleRowsInOrder"]

#: rows per batch fetched from the scan (each is dealt to the windows it touches)
_FETCH_ROWS = 16_384
_POSITION = "_rnacorpus_position"


class SampleRowsInOrder:
    """``SELECT {select} FROM samples s`` for ``accessions`` (``s`` is ``samples``), in their order,
    as windows of ``window`` positions: :meth:`window` ``k`` holds positions ``k*window`` up to
    ``(k+1)*window``. The scan runs on the first :meth:`window` call, on ``con`` (a cursor of it).

    The spill goes in a new folder in ``spill_dir`` (the export's own build folder: on the disk the
    export writes to, not a ``/tmp`` that may be memory), else in the system's temporary folder."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        accessions: pa.ChunkedArray | pa.Array,
        select: str,
        window: int,
        spill_dir: Path | None = None,
    ) -> None:
        self.con, self.accessions, self.select, self.size = con, accessions, select, window
        self.spill_dir = spill_dir
        self.n_windows = -(-len(accessions) // window)
        self._folder: Path | None = None
        self._spill: pa.ipc.RecordBatchFileReader | None = None
        self._file: pa.OSFile | None = None
        #: per window, the spill file's record batches that hold its rows
        self._batches: list[list[int]] = [[] for _ in range(self.n_windows)]

    def window(self, k: int) -> pa.Table:
        """Window ``k``'s rows in list order (the table is the query's: its types and names)."""
        spill = self._spilled()
        table = pa.Table.from_batches([spill.get_batch(i) for i in self._batches[k]], spill.schema)
        order = pc.sort_indices(table[_POSITION])
        return table.drop_columns([_POSITION]).take(order)

    @property
    def scanned(self) -> bool:
        """Whether the scan has run (the spill exists)."""
        return self._spill is not None

    def joined(self, k: int) -> pa.Table:
        """Window ``k`` from one join of its own accessions against ``samples`` (a scan of the table):
        the rows, columns and order :meth:`window` gives, without the pass over the whole list. For a
        window wanted before the pass could have run: the export's first rows (at 10^6 samples the
        pass took ~4 CPU-s, during which nothing could be written)."""
        part = self.accessions.slice(k * self.size, self.size)
        wanted = pa.table({"accession": part, "position": pa.array(np.arange(len(part), dtype=np.int64))})
        with registered(self.con, "_export_window", wanted) as cursor:
            return cursor.sql(
                f"SELECT {self.select} FROM _export_window w JOIN samples s USING (accession) "  # noqa: S608 - our own columns
                "ORDER BY w.position"
            ).to_arrow_table()

    def close(self) -> None:
        """Remove the spill file."""
        self._spill = None
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _spilled(self) -> pa.ipc.RecordBatchFileReader:
        if self._spill is None:
            self._folder = Path(tempfile.mkdtemp(prefix=".rnacorpus-export-rows-", dir=self.spill_dir))
            path = self._folder / "rows.arrow"
            self._write_spill(path)
            self._file = pa.OSFile(str(path))  # read, not mapped: its pages are not kept
            self._spill = pa.ipc.open_file(self._file)
        return self._spill

    def _write_spill(self, path: Path) -> None:
        n = len(self.accessions)
        wanted = pa.table({"accession": self.accessions, "position": pa.array(np.arange(n, dtype=np.int64))})
        with registered(self.con, "_export_order", wanted) as cursor:
            found = cursor.sql(
                "SELECT s.rowid AS row_id, w.position FROM _export_order w JOIN samples s USING (accession)"
            ).to_arrow_table()
        # positions by row id, so each fetched row finds its positions (one, unless listed twice)
        row_ids = found["row_id"].to_numpy()
        by_row = np.argsort(row_ids, kind="stable")
        row_ids, positions = row_ids[by_row], found["position"].to_numpy()[by_row]
        del found, by_row, wanted  # the pass holds 16 bytes a sample, not the join's tables
        ids = pa.table({"row_id": row_ids})
        with registered(self.con, "_export_row_ids", ids) as cursor:
            reader = cursor.sql(
                f"SELECT s.rowid AS {_POSITION}, {self.select} FROM samples s "  # noqa: S608 - our own columns
                "WHERE s.rowid IN (SELECT row_id FROM _export_row_ids)"
            ).to_arrow_reader(_FETCH_ROWS)
            schema = reader.schema.set(0, pa.field(_POSITION, pa.int64()))
            with pa.ipc.new_file(str(path), schema) as writer:
                written = 0
                for batch in reader:
                    written = self._deal(writer, written, batch, row_ids, positions)

    def _deal(
        self,
        writer: pa.ipc.RecordBatchFileWriter,
        written: int,
        batch: pa.RecordBatch,
        row_ids: npt.NDArray[np.int64],
        positions: npt.NDArray[np.int64],
    ) -> int:
        """Append ``batch``'s rows, each once per position it has, to the spill file, one record
        batch per window they fall in (the first column, the row id, becomes the position); return
        the number of record batches written so far."""
        fetched = batch.column(0).to_numpy()
        first = np.searchsorted(row_ids, fetched, side="left")
        counts = np.searchsorted(row_ids, fetched, side="right") - first
        rows = np.repeat(np.arange(len(fetched)), counts)
        # the index into row_ids/positions of each (row, position) pair: each row's run, in turn
        pairs = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(len(rows))
        where = positions[pairs]
        windows = where // self.size
        by_window = np.argsort(windows, kind="stable")
        windows, rows, where = windows[by_window], rows[by_window], where[by_window]
        dealt = batch.take(pa.array(rows)).set_column(0, pa.field(_POSITION, pa.int64()), pa.array(where))
        bounds = np.flatnonzero(np.diff(windows)) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(windows)], strict=True):
            if hi > lo:
                writer.write_batch(dealt.slice(int(lo), int(hi - lo)))
                self._batches[int(windows[lo])].append(written)
                written += 1
        return written
