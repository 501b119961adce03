"""What an export writes besides its parts: ``samples.parquet``, ``features.parquet`` and the text of
``manifest.json`` (:mod:`.export` writes them into the folder it builds, in that order, the manifest
last). Split from :mod:`.export` when it passed 400 lines.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rnacorpus import __version__
from rnacorpus.catalog.export_parts import CODECS, GROUPS_PER_PART, LANES, writer_release
from rnacorpus.catalog.export_plan import ExportPlan
from rnacorpus.catalog.export_sample_rows import SampleRowsInOrder
from rnacorpus.catalog.export_select import registered
from rnacorpus.catalog.export_write import WriteResult
from rnacorpus.catalog.fast_log1p import IMPLEMENTATION as LOG1P_IMPLEMENTATION
from rnacorpus.fileio import atomic_write, sha256_file
from rnacorpus.schemas import SCHEMA_VERSION

if TYPE_CHECKING:
    from rnacorpus.catalog.api import Catalog

__all__ = [
    "EXPORT_FORMAT",
    "SAMPLES_GROUP_ROWS",
    "SAMPLE_KEYS",
    "dump_manifest",
    "manifest_head",
    "manifest_samples",
    "placed",
    "sample_entries",
    "sample_entry",
    "write_features",
    "write_samples",
    "written_order",
]

EXPORT_FORMAT = "rnacorpus-export/2"


def placed(plan: ExportPlan, written: WriteResult, *columns: str) -> pa.Table:
    """Plan columns of the written samples, in write order."""
    return plan.rows.select(list(columns)).take(written.written["plan_row"])


#: rows per row group of samples.parquet, and per query that fills one (fixed: a rebuild writes the same bytes)
SAMPLES_GROUP_ROWS = 16_384


def written_order(written: WriteResult) -> npt.NDArray[np.intp]:
    """Written rows in split order, then part, then row (:attr:`WriteResult.order`: samples.parquet and
    the manifest's samples both need it; sorted once for both, not once each)."""
    return written.order


def write_samples(con: duckdb.DuckDBPyConnection, tmp: Path, plan: ExportPlan, written: WriteResult) -> dict[str, Any]:
    """``samples.parquet``: every harmonized column of ``samples`` plus where the sample went, one
    row group per window of :data:`SAMPLES_GROUP_ROWS` samples (memory bounded by that, not the export).
    The samples' rows come from one scan of ``samples`` (:class:`.export_sample_rows.SampleRowsInOrder`;
    a join per window was a scan per window, ~31 CPU-s at 10^6 samples).

    Each window's columns are gathered and cast to plain strings when its query runs, not for the
    whole export first: the shard paths and digests (~140 bytes a sample) are dictionary-encoded in
    the plan, and spelling them out for every sample at once was ~20 MiB at 10^5 samples, held
    while the lanes finish (the peak of the export's tail)."""
    order = written_order(written)
    plan_rows = written.written["plan_row"]
    chosen = plan.rows.select(["sample_accession", "split_unit", "shard_path", "shard_sha256"])
    accessions = plan.rows["sample_accession"].take(plan_rows.take(pa.array(order)))
    ordered = SampleRowsInOrder(con, accessions, "s.* EXCLUDE (record)", SAMPLES_GROUP_ROWS, tmp)
    path = tmp / "samples.parquet"
    with atomic_write(path) as handle, contextlib.ExitStack() as closing:
        closing.callback(ordered.close)
        writer: pq.ParquetWriter | None = None
        for k, start in enumerate(range(0, len(order), SAMPLES_GROUP_ROWS)):
            rows = pa.array(order[start : start + SAMPLES_GROUP_ROWS])
            placed_rows = chosen.take(plan_rows.take(rows))
            where = written.written.take(rows)
            window = pa.table(
                {
                    "split": where["split"].cast(pa.string()),
                    "split_unit": placed_rows["split_unit"],
                    "part": where["part"].cast(pa.string()),
                    "row": where["row"],
                    "gene_coverage": where["gene_coverage"],
                    "shard_path": placed_rows["shard_path"].cast(pa.string()),
                    "shard_sha256": placed_rows["shard_sha256"].cast(pa.string()),
                }
            )
            # the window's own columns as DuckDB hands them back (their types), beside the samples'
            with registered(con, "_export_where", window) as cursor:
                own = cursor.sql("SELECT * FROM _export_where").to_arrow_table()
            samples = ordered.window(k)
            table = pa.Table.from_arrays(
                [*samples.columns, *own.columns], schema=pa.schema([*samples.schema, *own.schema])
            )
            if writer is None:
                writer = closing.enter_context(pq.ParquetWriter(handle, table.schema, compression="zstd"))
            writer.write_table(table, row_group_size=SAMPLES_GROUP_ROWS)
    return {"path": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size, "rows": written.n_samples}


def write_features(tmp: Path, plan: ExportPlan) -> dict[str, Any]:
    return write_table(tmp, "features.parquet", plan.genes.table)


def write_table(tmp: Path, name: str, table: pa.Table) -> dict[str, Any]:
    path = tmp / name
    with atomic_write(path) as handle:
        pq.write_table(table, handle, compression="zstd")
    return {"path": name, "sha256": sha256_file(path), "bytes": path.stat().st_size, "rows": table.num_rows}


def ids_digest(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()


def manifest_head(
    catalog: Catalog,
    plan: ExportPlan,
    written: WriteResult,
    files: list[dict[str, Any]],
    versions: dict[str, str],
    sizes: dict[str, dict[str, int]],
) -> dict[str, Any]:
    options = plan.options
    below = {**plan.below_coverage, **written.below_coverage}
    n_features = len(plan.genes.ids)
    return {
        "format": EXPORT_FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rnacorpus_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "catalog": {"path": str(catalog.path), "versions": versions},
        "options": options.to_dict(),
        "selection": plan.selection,
        "genes": {
            "level": plan.genes.level,
            "set": plan.genes.spec,
            "n": n_features,
            "ids_sha256": ids_digest(plan.genes.ids),
            **plan.genes.report,
        },
        "normalization": {
            "rule": options.rule.name,
            "description": options.rule.description,
            # its last bits are the implementation's (a rebuild with another one says so)
            **({"log1p": LOG1P_IMPLEMENTATION} if options.rule.log1p else {}),
            "refused": [{"sample": acc, **why} for acc, why in sorted(plan.refused.items())],
        },
        "splits": {
            "by": plan.unit_kind,
            "fractions": options.split_spec.as_dict(),
            "seed": options.seed,
            "sizes": sizes,
        },
        "layout": {
            "values": f"fixed_size_list<float32>[{n_features}] in features.parquet order; NaN = not measured",
            "row_group_rows": written.group_rows,
            "row_groups_per_part": GROUPS_PER_PART,
            "part_lanes": LANES,
            "row_group_order": f"a split's row group j is in part file j mod {LANES} (+ {LANES} per {GROUPS_PER_PART} "
            "row groups); samples.parquet lists every sample's part and row",
            "writer": writer_release(),
            "formats": list(options.formats),
            "values_codec": CODECS[options.compression],
        },
        "counts": {
            "samples": written.n_samples,
            "features": n_features,
            "studies": pc.count_distinct(placed(plan, written, "study_accession")[0], mode="all").as_py(),
            "refused_by_normalization": len(plan.refused),
            "withdrawn": len(plan.withdrawn),
            "without_expression": len(plan.without_expression),
            "below_min_gene_coverage": len(below),
            "over_max_per_study": len(plan.over_study_cap),
            "duplicates": len(plan.duplicates),
        },
        "n_samples": written.n_samples,
        "n_features": n_features,
        "warnings": plan.warnings,
        "skipped_without_expression": plan.without_expression,
        "skipped_withdrawn": plan.withdrawn,
        "below_min_gene_coverage": dict(sorted(below.items())),
        "over_max_per_study": plan.over_study_cap,
        "duplicates": plan.duplicates,
        "files": files,
    }


def manifest_samples(plan: ExportPlan, written: WriteResult) -> Iterator[list[str]]:
    """The written samples in split order, then part and row order: each one's manifest entry as JSON
    text, a batch of up to 8192 at a time."""
    placed_rows = placed(plan, written, *SAMPLE_KEYS).take(pa.array(written_order(written)))
    for batch in placed_rows.to_batches(max_chunksize=8192):
        yield sample_entries(batch)


#: the keys of a manifest's ``samples`` entries, in their order
SAMPLE_KEYS = ("sample_accession", "study_accession", "split", "split_unit")
_KEY_TEXT = tuple(encode_basestring_ascii(key) + ": " for key in SAMPLE_KEYS)
#: a character ``json.dumps`` escapes in a string: outside printable ASCII, a quote or a backslash
_ESCAPED = r'[^ -~]|["\\]'


def sample_entries(batch: pa.RecordBatch) -> list[str]:
    """:func:`sample_entry` of every row of ``batch`` (columns in :data:`SAMPLE_KEYS` order), the same text.

    When every value is a string ``json.dumps`` writes as it is between quotes (printable ASCII with no
    quote or backslash: what accessions, split names and unit keys are) or null, the entries are
    joined by Arrow, one pass per column; any other batch (a value to escape, a column that is not
    text) takes :func:`sample_entry` row by row. One ``sample_entry`` per row was ~5 µs of Python,
    ~0.5 s of a 10^5-sample export's tail, which runs alone once the lanes are done."""
    pieces: list[Any] = [pa.scalar("{")]
    for k, (key, column) in enumerate(zip(_KEY_TEXT, batch.columns, strict=True)):
        if pa.types.is_large_string(column.type):
            column = column.cast(pa.string())  # one batch of entries: far from string's 2 GiB
        if not pa.types.is_string(column.type):
            return _row_by_row(batch)
        if pc.any(pc.match_substring_regex(column, _ESCAPED)).as_py():
            return _row_by_row(batch)
        quoted = pc.binary_join_element_wise(pa.scalar('"'), column, pa.scalar('"'), "")
        pieces += [pa.scalar((", " if k else "") + key), pc.fill_null(quoted, "null")]
    entries: list[str] = pc.binary_join_element_wise(*pieces, pa.scalar("}"), "").to_pylist()
    return entries


def _row_by_row(batch: pa.RecordBatch) -> list[str]:
    return list(map(sample_entry, *(column.to_pylist() for column in batch.columns)))


def sample_entry(*values: Any) -> str:
    """``json.dumps`` of ``dict(zip(SAMPLE_KEYS, values))``, the same text: each value is encoded by
    the function ``json.dumps`` itself uses for a string (anything else by ``json.dumps``). One call
    of ``json.dumps`` per entry was ~5 µs of Python (a new encoder each time); this is ~1 µs (~5 µs
    measured with a whole entry's joins). Any values, not tuned to accessions: equal to ``json.dumps``
    for every string (escapes, non-ASCII) and for None (tests/export, a property test)."""
    return (
        "{"
        + ", ".join(
            key + (encode_basestring_ascii(value) if isinstance(value, str) else json.dumps(value))
            for key, value in zip(_KEY_TEXT, values, strict=True)
        )
        + "}"
    )


def dump_manifest(handle: IO[bytes], head: dict[str, Any], samples: Iterator[list[str]]) -> None:
    """The manifest with its ``samples`` list streamed a batch of entries at a time (10^5 entries
    need no big string)."""
    text = json.dumps(head, indent=1, default=str)
    handle.write(text[:-2].encode() + b',\n "samples": [')
    first = True
    for batch in samples:
        if batch:
            handle.write(((",\n  " if not first else "\n  ") + ",\n  ".join(batch)).encode())
            first = False
    handle.write(b"\n ]\n}\n")
