"""An export split's part files: ``<split>/part-NNNNN.parquet``, row groups of a fixed size.

Row groups hold :func:`rows_per_group` samples (about 16 MiB of values: 208 samples at 20,120
genes), so a reader streams one row group at a time; a part file holds up to
:data:`GROUPS_PER_PART` row groups (≈512 MiB of values). The size was 32 MiB until measured: an
export holds about seven row groups in flight (one filling per split, one queued and one encoding
per writer lane), so halving them took ~100 MiB off the peak, while the reader stayed ≥ 0.85× raw
pyarrow. A rebuild takes the size its manifest records (``layout.row_group_rows``).

Encoding Parquet is the costliest step of an export, so it runs in
:data:`LANES` writer threads at once. A split's row groups are dealt to the lanes in turn — row
group *j* goes to lane *j* mod :data:`LANES` — and each lane writes its own part files (lane *l*
writes parts *l*, *l* + LANES, …). Part 0 thus holds the split's row groups 0, 2, 4, …, part 1
holds 1, 3, 5, …; :func:`locate` says where any row of the split lands. The number of lanes is a
constant, not the machine's core count, so the same plan writes the same bytes everywhere.

The values' codec is the export's ``compression`` option (:data:`CODECS`; the manifest records it
and the writer's release, :func:`writer_release`, so a rebuild writes the same bytes or says why
not). ``none`` is the default since 2026-12-07 (``lz4``, lz4_raw with byte-stream split, before):
float32 expression values barely compress (lz4 keeps 0.89 of the bytes), and uncompressed parts cost
least CPU both to write and to read every epoch; the whole export at 10^5 samples took 25.9 s / 46.9
CPU-s uncompressed against 28.3 s / 52.3 with lz4 in one quiet run (``docs/decisions.md``). Measured on
eight of the export's own 208 × 20,120 row groups (log1p-TPM with NaN blocks; ``bench_export.py codecs``,
``docs/benchmarks.md``): write 36 ms a row group, read back 16 ms, 0.89 of the raw bytes; ``zstd``
(level 1, byte-stream split) 47 / 29 ms, 0.72; ``none`` 22 / 13 ms, 1.00 (negative zstd levels:
37–39 / 18 ms, 0.83–0.86). A training loop reads every epoch (an lz4 train split of 81,060 samples:
7.4 CPU-s a pass, 14.6 as zstd), and the export's parts are fsynced, so both read CPU and bytes
count. Much of a write's cost is Arrow's handling of the list column itself (levels per value),
which no codec changes; polars' writer avoids it but came out no faster end to end and was not
taken (``docs/benchmarks.md``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.export_buffers import GroupBuffers
from rnacorpus.catalog.export_threads import OrderedWorker, background_thread
from rnacorpus.fileio import drop_cached, flush_and_drop, fsync_dir, private_temp_name

__all__ = [
    "CODECS",
    "GROUPS_PER_PART",
    "LANES",
    "PARQUET_OPTIONS",
    "PART_COLUMNS",
    "ROW_GROUP_BYTES",
    "SplitParts",
    "buffers_in_flight",
    "locate",
    "part_name",
    "part_schema",
    "rows_per_group",
    "writer_release",
]

ROW_GROUP_BYTES = 16 * 1024**2
GROUPS_PER_PART = 32
#: values handed to the Parquet writer per call: it builds repetition/definition levels (two int16 per
#: value) and page buffers for the whole array it is given, so a row group handed over in one piece
#: costs ~2.7x its own size in Arrow's pool while it is encoded; in ~1 MiB slices the levels stay small
#: and cache-resident (one 209 x 20,120 group: pool peak 43 -> 8 MiB, encode CPU -13%; same bytes)
ENCODE_SLICE_BYTES = 1024**2
#: writer threads, each with its own part files (fixed: the layout must not depend on the machine)
LANES = 2
#: metadata columns every part row carries (from ``samples``), then split_unit, split, gene_coverage, values
PART_COLUMNS = (
    "sample_accession", "study_accession", "organism_taxid", "platform_accession", "tissue_id", "tissue_label",
    "cell_type_id", "cell_type_label", "disease_id", "disease_label", "sex_id", "sex_label",
    "development_stage_id", "assay_id", "age_value", "age_unit", "unit", "is_log",
)  # fmt: skip
PARQUET_OPTIONS: dict[str, Any] = {
    "use_dictionary": ["sample_accession", "study_accession", "split_unit", "split", "unit"],
    "write_statistics": ["sample_accession", "study_accession", "split"],
}
#: the ``compression`` option → the writer's codec settings
CODECS: dict[str, dict[str, Any]] = {
    "zstd": {"compression": "zstd", "use_byte_stream_split": ["values.list.element"]},
    "lz4": {"compression": "lz4_raw", "use_byte_stream_split": ["values.list.element"]},
    "none": {"compression": "none"},
}


def writer_release() -> str:
    """``pyarrow <version>``: what writes the part files (the manifest's ``layout.writer``: another
    release may encode the same values into other bytes, and a rebuild then says so)."""
    return f"pyarrow {pa.__version__}"


def rows_per_group(n_features: int) -> int:
    return max(16, min(8192, ROW_GROUP_BYTES // max(4 * n_features, 1)))


def part_name(split: str, part: int) -> str:
    return f"{split}/part-{part:05d}.parquet"


def locate(rows: npt.NDArray[np.int64], group_rows: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For rows of a split (counted in the order they were handed over): their part and row in it."""
    group = rows // group_rows
    lane, turn = group % LANES, group // LANES
    part = lane + LANES * (turn // GROUPS_PER_PART)
    return part, (turn % GROUPS_PER_PART) * group_rows + rows % group_rows


def part_schema(n_features: int) -> pa.Schema:
    fields = [
        pa.field("sample_accession", pa.string()),
        pa.field("study_accession", pa.string()),
        pa.field("organism_taxid", pa.int32()),
        pa.field("platform_accession", pa.string()),
        *(pa.field(c, pa.string()) for c in PART_COLUMNS[4:14]),
        pa.field("age_value", pa.float64()),
        pa.field("age_unit", pa.string()),
        pa.field("unit", pa.string()),
        pa.field("is_log", pa.bool_()),
        pa.field("split_unit", pa.string()),
        pa.field("split", pa.string()),
        pa.field("gene_coverage", pa.float32()),
        # required, never null: a gene not measured is NaN (the element being required also makes
        # encoding and decoding ~10% cheaper: no definition levels per value)
        pa.field("values", pa.list_(pa.field("element", pa.float32(), nullable=False), n_features), nullable=False),
    ]
    return pa.schema(fields, metadata={"rnacorpus.feature_order": "features.parquet"})


class _Lane:
    """The part files of one split that one writer thread writes: parts lane, lane + LANES, …

    Arrow writes each part's temp file itself, by path: handed a Python file object it called back
    into Python for every page, and each call waited for the GIL the export's other threads hold.
    After each row group the lane hashes the bytes Arrow appended (read back from the page cache;
    Parquet writing only appends, so the digest is the file's) and has them flushed to disk in the
    background (one shared thread, :func:`.export_threads.background_thread`): a part of 32 row
    groups (~512 MiB) hashed and fsynced only at its close left all of its hashing and its disk
    writes (~280 MB/s on the benchmark machine) to the end of the export, in one thread; a flush
    waited for after every row group made the lanes wait on the disk instead of encoding (10^4
    samples: 7.7 s instead of 5.3). Flushed bytes are dropped from the page cache
    (:func:`.fileio.flush_and_drop`), so the next writes reuse warm pages: keeping 6.7 GB of parts
    cached made the kernel's copy of the writes into fresh pages 10.6 CPU-s of a 10^5-sample
    export's lanes on the benchmark VM (perf; two pairs: encode 29.8 / 26.1 -> 21.5 / 21.5 CPU-s).
    """

    def __init__(
        self, root: Path, split: str, schema: pa.Schema, lane: int, files: list[dict[str, Any]], codec: str
    ) -> None:
        self.root, self.split, self.schema, self.files = root, split, schema, files
        self.options = PARQUET_OPTIONS | CODECS[codec]
        #: rows per slice handed to the Parquet writer (:data:`ENCODE_SLICE_BYTES` of values)
        self.slice_rows = max(1, ENCODE_SLICE_BYTES // max(4 * schema.field("values").type.list_size, 1))
        self.part = lane
        self.groups = 0
        self.rows = 0
        self._open: _OpenPart | None = None

    def write(self, group: pa.Table) -> None:
        if self._open is None:
            self._open = _OpenPart(self.root, part_name(self.split, self.part), self.schema, self.options)
        sliced = pa.Table.from_batches(group.to_batches(max_chunksize=self.slice_rows), self.schema)
        self._open.writer.write_table(sliced, row_group_size=group.num_rows)
        self._open.catch_up()
        self.groups += 1
        self.rows += group.num_rows
        if self.groups == GROUPS_PER_PART:
            self.close()
            self.part += LANES

    def close(self) -> None:
        if self._open is None:
            return
        part, self._open = self._open, None
        digest, size = part.finish()
        self.files.append({"path": part.rel, "sha256": digest, "bytes": size, "rows": self.rows})
        self.groups, self.rows = 0, 0

    def abort(self) -> None:
        if self._open is not None:
            part, self._open = self._open, None
            part.discard()


class _OpenPart:
    """A part file being written: Arrow's writer on a temp file, and the sha256 of what it wrote so far."""

    def __init__(self, root: Path, rel: str, schema: pa.Schema, options: dict[str, Any]) -> None:
        self.rel, self.target = rel, root / rel
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.temp = private_temp_name(self.target, ".part")
        self.writer = pq.ParquetWriter(str(self.temp), schema, **options)
        self.reader = self.temp.open("rb", buffering=0)
        self.digest = hashlib.sha256()
        self.buffer = bytearray(1024**2)
        self.flushing: Future[None] | None = None
        #: bytes handed to a flush so far: flushed to disk, then dropped from the page cache
        self.handed = 0

    def catch_up(self) -> None:
        """Hash the bytes written since the last call; have them written to disk and dropped from the
        page cache in the background (unless a flush is still running: the next one takes these bytes
        too). The part's bytes are not read again here once hashed (:func:`.fileio.flush_and_drop`)."""
        view = memoryview(self.buffer)
        while count := self.reader.readinto(self.buffer):
            self.digest.update(view[:count])
        if self.flushing is None or self.flushing.done():
            if self.flushing is not None:
                self.flushing.result()  # a failed flush is an I/O error of this part: raised here
            # one thread flushes every part's new bytes to disk while the lanes go on encoding
            flusher = background_thread("rnacorpus-part-flush")
            hashed = self.reader.tell()
            self.flushing = flusher.submit(flush_and_drop, self.reader.fileno(), self.handed, hashed)
            self.handed = hashed

    def _flushed(self) -> None:
        if self.flushing is not None:
            self.flushing.result()
            self.flushing = None

    def finish(self) -> tuple[str, int]:
        """Close the writer (the footer), hash and fsync the rest, rename into place; sha256 and size."""
        try:
            self.writer.close()
            self.catch_up()
            self._flushed()
            os.fsync(self.reader.fileno())
            size = self.reader.tell()
            drop_cached(self.reader.fileno(), self.handed)  # the rest, synced just above
            self.reader.close()
            self.temp.replace(self.target)
            fsync_dir(self.target.parent)
        except BaseException:
            self.discard()
            raise
        return self.digest.hexdigest(), size

    def discard(self) -> None:
        try:
            self.writer.close()
        finally:
            if self.flushing is not None:
                self.flushing.exception()  # waits: the flush uses the file descriptor closed next
            self.reader.close()
            self.temp.unlink(missing_ok=True)


def buffers_in_flight(n_splits: int, groups: int) -> int:
    """Row-group buffers an export of ``n_splits`` splits writing at most ``groups`` row groups can
    use at once: one filling per split, one queued and one encoding per lane (never more than the
    groups it writes)."""
    return max(1, min(n_splits + 2 * LANES, groups))


class SplitParts:
    """One split: puts rows into row groups of their own (caller's thread) and deals them to the lanes' writers.

    Each row group's values live in a buffer of exactly one row group, so a group holds its own rows
    and nothing else: a block of values is freed once its rows are in, whatever the alignment of
    blocks and groups. (Groups that were slices of blocks kept whole blocks alive — up to two per
    group — so the memory in flight depended on where block and group boundaries fell, and grew with
    the export's length.) In flight per split: one filling group; per lane: one queued, one encoding.
    The export normalizes each block's rows straight into the group's buffer (:meth:`fill`), so a
    sample's values are written once, not normalized into a block and then copied.
    """

    def __init__(
        self,
        root: Path,
        split: str,
        schema: pa.Schema,
        group_rows: int,
        workers: Sequence[OrderedWorker],
        files: list[dict[str, Any]],
        codec: str = "zstd",
        buffers: GroupBuffers | None = None,
    ) -> None:
        self.split, self.schema, self.group_rows, self.workers = split, schema, group_rows, workers
        self.lanes = [_Lane(root, split, schema, lane, files, codec) for lane in range(LANES)]
        #: the part rows' columns but ``values`` (what :meth:`add` takes as a table), and but
        #: ``gene_coverage`` too (what :meth:`fill` takes: its ``write`` returns the coverage)
        self.meta_schema = pa.schema([f for f in schema if f.name != "values"], metadata=schema.metadata)
        self.fill_schema = self.meta_schema.remove(self.meta_schema.get_field_index("gene_coverage"))
        self.n_features = int(schema.field("values").type.list_size)
        self.buffers = buffers or GroupBuffers(group_rows, self.n_features, len(workers) * 2 + 1)
        self.buffer: npt.NDArray[np.float32] | None = None
        self.filled = 0
        self.meta: list[pa.Table] = []
        self.coverage: list[pa.Array] = []
        self.groups = 0
        #: rows handed over so far (a row's number in the split, for :func:`locate`)
        self.assigned = 0

    def add(self, meta: pa.Table, values: npt.NDArray[np.float32], rows: npt.NDArray[np.intp] | None = None) -> None:
        """Part rows: ``meta`` (one row each, :attr:`meta_schema`) and their values — ``values`` itself,
        or its rows ``rows`` when given — copied into the row groups."""
        coverage = meta.column("gene_coverage")

        def copy(into: npt.NDArray[np.float32], first: int, stop: int) -> pa.Array:
            if rows is None:
                np.copyto(into, values[first:stop])
            else:
                np.take(values, rows[first:stop], axis=0, out=into)
            return coverage.slice(first, stop - first).combine_chunks()

        self.fill(meta.drop_columns(["gene_coverage"]), copy)

    def fill(self, meta: pa.Table, write: Callable[[npt.NDArray[np.float32], int, int], pa.Array]) -> None:
        """Part rows: ``meta`` (one row each, :attr:`fill_schema`); ``write(into, first, stop)`` puts the
        values of rows ``first:stop`` into ``into`` (their rows of a row group's buffer) and returns
        their ``gene_coverage``. A group's columns are cut where its rows arrived, as when they were
        copied in, so the same rows give the same bytes."""
        count, done = meta.num_rows, 0
        self.assigned += count
        while done < count:
            if self.buffer is None:
                self.buffer = self.buffers.take()
            take = min(count - done, self.group_rows - self.filled)
            self.coverage.append(write(self.buffer[self.filled : self.filled + take], done, done + take))
            self.meta.append(meta.slice(done, take))
            self.filled += take
            done += take
            if self.filled == self.group_rows:
                self._deal()

    def _deal(self, *, wait: bool = True) -> None:
        buffer = self.buffer
        assert buffer is not None
        flat = pa.array(buffer[: self.filled].reshape(-1), type=pa.float32())  # no copy: the group owns it
        values = pa.FixedSizeListArray.from_arrays(flat, type=self.schema.field("values").type)
        meta = pa.concat_tables(self.meta)
        coverage = pa.chunked_array(self.coverage, pa.float32())
        group = pa.Table.from_arrays([*meta.columns, coverage, values], schema=self.schema)
        lane = self.lanes[self.groups % LANES]

        def write() -> None:
            lane.write(group)  # Arrow keeps nothing of a row group it has written: its buffer is free
            self.buffers.give_back(buffer)

        self.workers[self.groups % LANES].submit(write, wait=wait)
        self.groups += 1
        self.buffer, self.filled, self.meta, self.coverage = None, 0, [], []

    def close(self) -> None:
        """Hand over the last (short) row group and close every lane's part file, in its writer.

        Handed over without waiting for the lanes' queues (the short group's buffer is already lent,
        a close needs none, so memory stays bounded by the pool): the caller goes on at once with
        the export's last work while the lanes finish (:func:`.export_write.write_parts`)."""
        if self.filled:
            self._deal(wait=False)
        for lane, worker in zip(self.lanes, self.workers, strict=True):
            worker.submit(lane.close, wait=False)

    def abort(self) -> None:
        for lane in self.lanes:
            lane.abort()
