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

The values' codec is the export's ``compression`` option (:data:`CODECS`; the manifest records it,
so a rebuild writes the same bytes). Measured on 419 × 20,120 log1p-TPM floats (one row group; the
figures and the command are in ``docs/benchmarks.md``): ``zstd`` with byte-stream split writes the
smallest files, ``lz4`` (lz4_raw with byte-stream split) encodes ~15% and decodes ~30% faster for
~25–35% more bytes, ``none`` encodes ~35% faster for ~45% more bytes. Most of a write's cost is
Arrow's handling of the list column itself (a flat float column encodes twice as fast), which no
codec changes; byte-stream split without zstd/lz4 buys nothing, and zstd without it is slower.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.export_threads import OrderedWorker
from rnacorpus.fileio import HashingWriter, atomic_write

__all__ = [
    "CODECS",
    "GROUPS_PER_PART",
    "LANES",
    "PARQUET_OPTIONS",
    "PART_COLUMNS",
    "ROW_GROUP_BYTES",
    "SplitParts",
    "locate",
    "part_name",
    "part_schema",
    "rows_per_group",
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
    """The part files of one split that one writer thread writes: parts lane, lane + LANES, …"""

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
        self._open: tuple[Any, HashingWriter, pq.ParquetWriter, str] | None = None

    def write(self, group: pa.Table) -> None:
        if self._open is None:
            rel = part_name(self.split, self.part)
            context = atomic_write(self.root / rel)
            hashing = HashingWriter(context.__enter__())
            self._open = (context, hashing, pq.ParquetWriter(hashing, self.schema, **self.options), rel)
        sliced = pa.Table.from_batches(group.to_batches(max_chunksize=self.slice_rows), self.schema)
        self._open[2].write_table(sliced, row_group_size=group.num_rows)
        self.groups += 1
        self.rows += group.num_rows
        if self.groups == GROUPS_PER_PART:
            self.close()
            self.part += LANES

    def close(self) -> None:
        if self._open is None:
            return
        context, hashing, writer, rel = self._open
        writer.close()
        context.__exit__(None, None, None)
        self.files.append({"path": rel, "sha256": hashing.sha256.hexdigest(), "bytes": hashing.size, "rows": self.rows})
        self._open, self.groups, self.rows = None, 0, 0

    def abort(self) -> None:
        if self._open is not None:
            context, _hashing, writer, _rel = self._open
            self._open = None
            try:
                writer.close()
            finally:
                context.__exit__(RuntimeError, RuntimeError("export aborted"), None)


class SplitParts:
    """One split: copies rows into row groups of their own (caller's thread) and deals them to the lanes' writers.

    Each row group's values are copied into a buffer of exactly one row group, so a group holds its own
    rows and nothing else: a normalized block is freed once its rows are copied, whatever the alignment
    of blocks and groups. (Groups that were slices of blocks kept whole blocks alive — up to two per
    group — so the memory in flight depended on where block and group boundaries fell, and grew with
    the export's length.) In flight per split: one filling group; per lane: one queued, one encoding.
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
    ) -> None:
        self.split, self.schema, self.group_rows, self.workers = split, schema, group_rows, workers
        self.lanes = [_Lane(root, split, schema, lane, files, codec) for lane in range(LANES)]
        #: the part rows' columns but ``values``, which :meth:`add` takes as a matrix
        self.meta_schema = pa.schema([f for f in schema if f.name != "values"], metadata=schema.metadata)
        self.n_features = int(schema.field("values").type.list_size)
        self.buffer: npt.NDArray[np.float32] | None = None
        self.filled = 0
        self.meta: list[pa.Table] = []
        self.groups = 0
        #: rows handed over so far (a row's number in the split, for :func:`locate`)
        self.assigned = 0

    def add(self, meta: pa.Table, values: npt.NDArray[np.float32], rows: npt.NDArray[np.intp] | None = None) -> None:
        """Part rows: ``meta`` (one row each, :attr:`meta_schema`) and their values — ``values`` itself,
        or its rows ``rows`` when given."""
        count, done = meta.num_rows, 0
        self.assigned += count
        while done < count:
            if self.buffer is None:
                self.buffer = np.empty((self.group_rows, self.n_features), dtype=np.float32)
            take = min(count - done, self.group_rows - self.filled)
            into = self.buffer[self.filled : self.filled + take]
            if rows is None:
                np.copyto(into, values[done : done + take])
            else:
                np.take(values, rows[done : done + take], axis=0, out=into)
            self.meta.append(meta.slice(done, take))
            self.filled += take
            done += take
            if self.filled == self.group_rows:
                self._deal()

    def _deal(self) -> None:
        assert self.buffer is not None
        flat = pa.array(self.buffer[: self.filled].reshape(-1), type=pa.float32())  # no copy: the group owns it
        values = pa.FixedSizeListArray.from_arrays(flat, type=self.schema.field("values").type)
        meta = pa.concat_tables(self.meta)
        group = pa.Table.from_arrays([*meta.columns, values], schema=self.schema)
        lane = self.lanes[self.groups % LANES]
        self.workers[self.groups % LANES].submit(lambda: lane.write(group))
        self.groups += 1
        self.buffer, self.filled, self.meta = None, 0, []

    def close(self) -> None:
        """Hand over the last (short) row group and close every lane's part file, in its writer."""
        if self.filled:
            self._deal()
        for lane, worker in zip(self.lanes, self.workers, strict=True):
            worker.submit(lane.close)

    def abort(self) -> None:
        for lane in self.lanes:
            lane.abort()
