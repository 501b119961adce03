"""Writing an export's values: shard by shard into ``<split>/part-NNNNN.parquet``, memory flat in samples.

Each part file holds one row per sample: a few metadata columns (accession, study, split unit,
organism, platform, the harmonized labels, unit, ``gene_coverage``) and ``values``, a
``fixed_size_list<float32>`` in ``features.parquet`` order. Genes the sample's shard does not have,
or that its normalization could not compute, are NaN — never zero — and ``gene_coverage`` is the
share of the export's genes that are not NaN.

Row groups hold :func:`rows_per_group` samples (about 32 MiB of values: 419 samples at 20,000
genes), so a reader streams one row group at a time; a part file holds up to
:data:`GROUPS_PER_PART` row groups (≈1 GiB of values) and the next part starts. Rows are written
in plan order (shard path, then row), so the same plan writes the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.export_genes import LengthLookup
from rnacorpus.catalog.export_plan import ExportPlan
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.fileio import atomic_write

__all__ = ["GROUPS_PER_PART", "PART_COLUMNS", "ROW_GROUP_BYTES", "WriteResult", "rows_per_group", "write_parts"]

ROW_GROUP_BYTES = 32 * 1024**2
GROUPS_PER_PART = 32
#: metadata columns every part row carries (from ``samples``), then split_unit, split, gene_coverage, values
PART_COLUMNS = (
    "sample_accession", "study_accession", "organism_taxid", "platform_accession", "tissue_id", "tissue_label",
    "cell_type_id", "cell_type_label", "disease_id", "disease_label", "sex_id", "sex_label",
    "development_stage_id", "assay_id", "age_value", "age_unit", "unit", "is_log",
)  # fmt: skip
_SAMPLE_SELECT = ", ".join(["accession AS sample_accession", *PART_COLUMNS[1:]])
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "use_dictionary": ["sample_accession", "study_accession", "split_unit", "split", "unit"],
    "use_byte_stream_split": ["values.list.element"],
    "write_statistics": ["sample_accession", "study_accession", "split"],
}


def rows_per_group(n_features: int) -> int:
    return max(16, min(8192, ROW_GROUP_BYTES // max(4 * n_features, 1)))


class _HashingFile(io.RawIOBase):
    """Forward writes to ``inner`` and hash them, so a part's sha256 costs no second read."""

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self._inner = inner
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self.sha256.update(view)
        self._inner.write(view)
        self.size += len(view)
        return len(view)

    def tell(self) -> int:
        return self.size


@dataclass
class WriteResult:
    files: list[dict[str, Any]] = field(default_factory=list)
    #: accession → (split, part path, row in part, gene coverage), in written order
    locations: dict[str, tuple[str, str, int, float]] = field(default_factory=dict)
    below_coverage: dict[str, float] = field(default_factory=dict)


class _SplitParts:
    """One split's part files: row groups of a fixed size, a new part every GROUPS_PER_PART groups."""

    def __init__(self, root: Path, split: str, schema: pa.Schema, group_rows: int, result: WriteResult) -> None:
        self.root, self.split, self.schema, self.group_rows, self.result = root, split, schema, group_rows, result
        self.pending: list[pa.RecordBatch] = []
        self.n_pending = 0
        self.written = 0  # rows written to finished row groups of this split
        self.part_start = 0
        self._part: tuple[Any, Any, _HashingFile, pq.ParquetWriter, str] | None = None

    def part_path(self, row: int) -> tuple[str, int]:
        per_part = self.group_rows * GROUPS_PER_PART
        return f"{self.split}/part-{row // per_part:05d}.parquet", row % per_part

    def add(self, batch: pa.RecordBatch) -> None:
        self.pending.append(batch)
        self.n_pending += batch.num_rows
        while self.n_pending >= self.group_rows:
            self._flush(self.group_rows)

    def _flush(self, n: int) -> None:
        table = pa.Table.from_batches(self.pending, self.schema)
        group, rest = table.slice(0, n), table.slice(n)
        writer = self._writer()
        writer.write_table(group, row_group_size=n)
        self.written += n
        self.pending = rest.to_batches()
        self.n_pending = rest.num_rows
        if self.written % (self.group_rows * GROUPS_PER_PART) == 0:
            self._close_part()

    def _writer(self) -> pq.ParquetWriter:
        if self._part is None:
            rel, _ = self.part_path(self.written)
            context = atomic_write(self.root / rel)
            handle = context.__enter__()
            hashing = _HashingFile(handle)
            writer = pq.ParquetWriter(hashing, self.schema, **PARQUET_OPTIONS)
            self._part = (context, handle, hashing, writer, rel)
            self.part_start = self.written
        return self._part[3]

    def _close_part(self) -> None:
        if self._part is None:
            return
        context, _handle, hashing, writer, rel = self._part
        writer.close()
        context.__exit__(None, None, None)
        self.result.files.append(
            {
                "path": rel,
                "sha256": hashing.sha256.hexdigest(),
                "bytes": hashing.size,
                "rows": self.written - self.part_start,
            }
        )
        self._part = None

    def close(self) -> None:
        if self.n_pending:
            self._flush(self.n_pending)
        self._close_part()

    def abort(self) -> None:
        if self._part is not None:
            context, _handle, _hashing, writer, _rel = self._part
            try:
                writer.close()
            finally:
                context.__exit__(RuntimeError, RuntimeError("export aborted"), None)
            self._part = None


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
        pa.field("values", pa.list_(pa.float32(), n_features)),
    ]
    return pa.schema(fields, metadata={"rnacorpus.feature_order": "features.parquet"})


def _gather(values: npt.NDArray[np.float32], positions: npt.NDArray[np.intp], n_target: int) -> npt.NDArray[np.float32]:
    """Place a block's columns into the target order (vectorized); genes not in the shard are NaN."""
    out = np.full((values.shape[0], n_target), np.nan, dtype=np.float32)
    present = positions >= 0
    out[:, positions[present]] = values[:, present]
    return out


def _metadata(con: duckdb.DuckDBPyConnection, samples: list[str]) -> pa.Table:
    table = con.sql(
        f"SELECT {_SAMPLE_SELECT} FROM samples WHERE accession IN (SELECT unnest(?::VARCHAR[]))",  # noqa: S608
        params=[samples],
    ).to_arrow_table()
    order = pd.Index(table["sample_accession"].to_pylist()).get_indexer(samples)
    return table.take(pa.array(order))


def write_parts(
    con: duckdb.DuckDBPyConnection,
    store: ExpressionStore,
    plan: ExportPlan,
    root: Path,
    tick: Callable[[str], None] = lambda _: None,
) -> WriteResult:
    """Write every split's part files under ``root``; returns their entries and where each sample went."""
    rule, genes = plan.options.rule, plan.genes
    n = len(genes.ids)
    target = genes.index
    lengths = LengthLookup(sorted({f.taxid for f in plan.facts.values() if f.taxid})) if rule.per_length else None
    schema = part_schema(n)
    result = WriteResult()
    parts = {name: _SplitParts(root, name, schema, rows_per_group(n), result) for name in plan.options.split_spec.names}
    minimum = plan.options.min_gene_coverage
    try:
        for choice in plan.choices:
            for block in store.iter_rows(choice.path, choice.rows, sha256=choice.sha256):
                units = np.array([plan.facts[s].unit or "" for s in block.sample_accessions])
                scaled = rule.apply(block.values, units, lengths(block.feature_ids) if lengths else None)
                values = _gather(scaled, target.get_indexer(pd.Index(block.feature_ids)), n)
                coverage = (np.count_nonzero(~np.isnan(values), axis=1) / max(n, 1)).astype(np.float32)
                keep = np.ones(len(coverage), dtype=bool) if minimum is None else coverage >= minimum
                for i in np.flatnonzero(~keep):
                    result.below_coverage[block.sample_accessions[i]] = round(float(coverage[i]), 6)
                _add_rows(con, plan, parts, block.sample_accessions, values, coverage, keep, result)
            tick(choice.study_accession)
        for split in parts.values():
            split.close()
    except BaseException:
        for split in parts.values():
            split.abort()
        raise
    return result


def _add_rows(
    con: duckdb.DuckDBPyConnection,
    plan: ExportPlan,
    parts: dict[str, _SplitParts],
    samples: list[str],
    values: npt.NDArray[np.float32],
    coverage: npt.NDArray[np.float32],
    keep: npt.NDArray[np.bool_],
    result: WriteResult,
) -> None:
    kept = [s for s, k in zip(samples, keep, strict=True) if k]
    if not kept:
        return
    meta = _metadata(con, kept)
    values, coverage = values[keep], coverage[keep]
    splits = np.array([plan.split_of[s] for s in kept])
    n = values.shape[1]
    for name in dict.fromkeys(splits.tolist()):
        rows = np.flatnonzero(splits == name)
        sub = meta.take(pa.array(rows))
        flat = pa.array(np.ascontiguousarray(values[rows]).reshape(-1), type=pa.float32())
        columns = [sub[c] for c in PART_COLUMNS] + [
            pa.array([plan.unit_of[kept[i]] for i in rows], pa.string()),
            pa.array([name] * len(rows), pa.string()),
            pa.array(coverage[rows], pa.float32()),
            pa.FixedSizeListArray.from_arrays(flat, n),
        ]
        target = parts[name]
        for offset, i in enumerate(rows):
            rel, row = target.part_path(target.written + target.n_pending + offset)
            result.locations[kept[i]] = (name, rel, row, float(coverage[i]))
        target.add(pa.Table.from_arrays(columns, schema=target.schema).combine_chunks().to_batches()[0])
