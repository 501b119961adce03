"""``bench_export.py codecs``: the part files' codecs on an export's own row groups — write CPU, read CPU, bytes.

Each row group of the sample is re-encoded in memory by the export's own writer settings
(:data:`rnacorpus.catalog.export_parts.PARQUET_OPTIONS` plus each codec, handed over in the export's
1 MiB slices), then decoded back by pyarrow in one thread into a NumPy matrix, as
``rnacorpus.read.iter_batches`` does. Ratios are against the export's codec before 2026-12-06
(zstd with byte-stream split), measured in the same run; each figure is the best of ``--repeat``.
No file is written and nothing is fsynced: this is the codec's CPU alone.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.export_parts import CODECS, ENCODE_SLICE_BYTES, PARQUET_OPTIONS

BSS = ["values.list.element"]
#: label → writer codec settings; the export's own three first, then zstd's fast (negative) levels
VARIANTS: dict[str, dict[str, Any]] = {
    "zstd (level 1) + byte-stream split — `zstd`, the default until 2026-12-06": CODECS["zstd"],
    "lz4_raw + byte-stream split — `lz4`, the default until 2026-12-07": CODECS["lz4"],
    "uncompressed — `none`, the default now": CODECS["none"],
    **{
        f"zstd level {level} + byte-stream split": {"compression": "zstd", "compression_level": level,
                                                     "use_byte_stream_split": BSS}
        for level in (-1, -5)
    },
}  # fmt: skip


def _groups(export: Path, count: int) -> list[pa.Table]:
    parts = sorted((export / "train").glob("part-*.parquet"))
    groups: list[pa.Table] = []
    for part in parts:
        parquet = pq.ParquetFile(part)
        for i in range(parquet.metadata.num_row_groups):
            if len(groups) < count:
                groups.append(parquet.read_row_group(i))
    return groups


def _write(groups: list[pa.Table], codec: dict[str, Any]) -> list[bytes]:
    out = []
    for group in groups:
        rows = max(1, ENCODE_SLICE_BYTES // (4 * group.schema.field("values").type.list_size))
        sink = io.BytesIO()
        writer = pq.ParquetWriter(sink, group.schema, **PARQUET_OPTIONS, **codec)
        writer.write_table(pa.Table.from_batches(group.to_batches(max_chunksize=rows), group.schema), group.num_rows)
        writer.close()
        out.append(sink.getvalue())
    return out


def _read(files: list[bytes]) -> None:
    for data in files:
        table = pq.ParquetFile(pa.BufferReader(data)).read_row_group(0, use_threads=False)
        column = table.column("values").chunks[0]
        np.asarray(column.flatten().to_numpy(zero_copy_only=False), np.float32).reshape(-1, column.type.list_size)


def codec_table(export: Path, count: int, repeat: int) -> list[str]:
    """The table's lines (markdown)."""
    groups = _groups(export, count)
    raw = sum(g.num_rows for g in groups) * groups[0].schema.field("values").type.list_size * 4
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(repeat):
        for label, codec in VARIANTS.items():
            start = time.process_time()
            files = _write(groups, codec)
            wrote = time.process_time() - start
            start = time.process_time()
            _read(files)
            read = time.process_time() - start
            old = best.get(label, (wrote, read, 0))
            best[label] = (min(old[0], wrote), min(old[1], read), sum(map(len, files)))
    base_write, base_read, base_bytes = best[next(iter(VARIANTS))]
    n = len(groups)
    lines = [
        f"- Input: {n} row groups of `{export}/train` ({sum(g.num_rows for g in groups):,} samples × "
        f"{groups[0].schema.field('values').type.list_size:,} values, {raw / 1e6:.0f} MB as float32); "
        f"best of {repeat} interleaved runs; CPU of this process (`time.process_time`).",
        "",
        "| codec | write ms / row group | read ms / row group | bytes (of raw) | write vs zstd | read vs zstd "
        "| bytes vs zstd |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, (wrote, read, size) in best.items():
        lines.append(
            f"| {label} | {wrote / n * 1000:.1f} | {read / n * 1000:.1f} | {size / 1e6:.1f} MB ({size / raw:.2f}) | "
            f"{wrote / base_write:.2f}× | {read / base_read:.2f}× | {size / base_bytes:.2f}× |"
        )
    return lines
