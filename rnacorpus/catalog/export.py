"""Training-set export: chosen samples → ``<split>/part-*.parquet`` + ``features.parquet`` +
``samples.parquet`` + ``manifest.json`` that rebuilds them.

Steps: validate every option (:mod:`.export_options`) → plan the selection, gene space and splits
(:mod:`.export_plan`, read-only) → check the target folder (:mod:`rnacorpus.outfolder`) → write the
parts shard by shard into a new folder beside it (:mod:`.export_write`, memory bounded by a row
group) → samples, features, manifest → rename into place. Splits are made per unit (the study
today, :mod:`.split_units`), never per sample. Every file's sha256 is in the manifest, written
last; :func:`verify_export` re-checks them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rnacorpus import __version__
from rnacorpus.catalog.export_options import ExportOptions, make_options
from rnacorpus.catalog.export_parts import CODECS, GROUPS_PER_PART, LANES, writer_release
from rnacorpus.catalog.export_plan import ExportPlan, plan_export
from rnacorpus.catalog.export_select import registered
from rnacorpus.catalog.export_write import WriteResult, write_parts
from rnacorpus.errors import BadContentError, EmptyExportError
from rnacorpus.fileio import atomic_write, sha256_file
from rnacorpus.outfolder import FolderKind, build_folder, inspect_target
from rnacorpus.progress import NullProgress, Progress
from rnacorpus.schemas import SCHEMA_VERSION

if TYPE_CHECKING:
    from rnacorpus.catalog.api import Catalog

__all__ = ["EXPORT_FOLDER", "MANIFEST_NAME", "ExportResult", "export_training_set", "run_export", "verify_export"]

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
EXPORT_FORMAT = "rnacorpus-export/2"
#: an export folder: replaced only when its manifest lists every file in it, and only with --overwrite
EXPORT_FOLDER = FolderKind(
    listing=MANIFEST_NAME, format_prefix="rnacorpus-export/", what="rnacorpus export", overwrite_flag="--overwrite"
)


#: what hears an export's progress, one shard at a time
ExportProgress = Progress


@dataclass
class ExportResult:
    out_dir: Path
    n_samples: int
    n_features: int
    files: list[dict[str, Any]] = field(default_factory=list)
    manifest_path: Path | None = None
    skipped_without_expression: list[str] = field(default_factory=list)
    refused_by_normalization: list[str] = field(default_factory=list)
    skipped_withdrawn: list[str] = field(default_factory=list)
    splits: dict[str, dict[str, int]] = field(default_factory=dict)
    selection: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    below_min_gene_coverage: list[str] = field(default_factory=list)
    #: set by a rebuild from a manifest: what differs from it (empty: byte-identical)
    differences: list[str] | None = None
    #: CPU seconds of the writing stages (read, normalize, encode): where an export's time goes
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "splits": self.splits,
            "selection": self.selection,
            "warnings": self.warnings,
            "files": self.files,
            "manifest": str(self.manifest_path) if self.manifest_path else None,
            "skipped_without_expression": self.skipped_without_expression,
            "refused_by_normalization": self.refused_by_normalization,
            "skipped_withdrawn": self.skipped_withdrawn,
            "below_min_gene_coverage": self.below_min_gene_coverage,
            "differences": self.differences,
        }


def export_training_set(
    catalog: Catalog,
    out_dir: Path,
    *,
    overwrite: bool = False,
    from_manifest: str | Path | None = None,
    progress: ExportProgress | None = None,
    **options: Any,
) -> ExportResult:
    """Write a training set into ``out_dir`` (see the module doc); the Python face of ``rnacorpus export``.

    ``options`` are those of :func:`~rnacorpus.catalog.export_options.make_options` (``where``,
    ``tissue``, ``genes``, ``normalize``, ``splits``, …), by the CLI's names.

    ``progress`` (e.g. the CLI's progress bar) hears ``start(number of shards)``, then ``advance`` per
    shard written, then ``close``.

    With ``from_manifest`` the options and the sample list (with each sample's split) come from that
    manifest, and the result's ``differences`` say what differs from it (empty: byte-identical).
    """
    if from_manifest is not None:
        from rnacorpus.catalog.export_rebuild import rebuild_export

        result: ExportResult = rebuild_export(
            catalog, Path(from_manifest), out_dir, overwrite=overwrite, progress=progress
        )
        return result
    return run_export(catalog, out_dir, make_options(**options), overwrite=overwrite, progress=progress)


def run_export(
    catalog: Catalog,
    out_dir: Path,
    options: ExportOptions,
    *,
    overwrite: bool = False,
    pinned: dict[str, str] | None = None,
    progress: ExportProgress | None = None,
    group_rows: int | None = None,
) -> ExportResult:
    """Plan (read-only), then write into a new folder beside ``out_dir`` and rename it into place.

    ``pinned`` (sample → split) and ``group_rows`` (samples per row group) come from a manifest when
    rebuilding (:mod:`.export_rebuild`)."""
    inspect_target(out_dir, EXPORT_FOLDER, overwrite=overwrite)  # refuse early; build_folder checks again
    with catalog.connect() as con:
        plan = plan_export(con, catalog.store, options, pinned=pinned)
        # planning's Arrow temporaries (sorts, joins of 10^5 rows) stay in the pool unless handed back
        pa.default_memory_pool().release_unused()
        versions = {str(k): str(v) for k, v in con.execute("SELECT key, value FROM catalog_versions").fetchall()}
        versions.pop("store_dir", None)  # where the store lives is not what the data is
        with build_folder(out_dir, EXPORT_FOLDER, overwrite=overwrite) as tmp:
            progress = progress or NullProgress()
            progress.start(len(pc.unique(plan.rows["shard_path"])))
            try:
                written = write_parts(
                    con, catalog.store, plan, tmp, lambda study: progress.advance(study, "written"), group_rows
                )
            finally:
                progress.close()
            if not written.n_samples:
                raise EmptyExportError(
                    f"no samples to export: all {len(written.below_coverage)} fell below --min-gene-coverage "
                    f"{options.min_gene_coverage} by their own values"
                )
            if "h5ad" in options.formats:
                from rnacorpus.catalog.export_h5ad import write_h5ad

                written.files += write_h5ad(tmp, plan, written)
            if "parquet" not in options.formats:
                _drop_parts(tmp, written)
            files = [
                *written.files,
                _write_samples(con, tmp, plan, written),
                _write_features(tmp, plan),
            ]
            sizes = _split_sizes(plan, written)
            manifest = _manifest(catalog, plan, written, files, versions, sizes)
            with atomic_write(tmp / MANIFEST_NAME) as handle:
                _dump_manifest(handle, manifest, _manifest_samples(plan, written))
    return ExportResult(
        out_dir=out_dir,
        n_samples=written.n_samples,
        n_features=len(plan.genes.ids),
        files=files,
        manifest_path=out_dir / MANIFEST_NAME,
        skipped_without_expression=plan.without_expression,
        refused_by_normalization=sorted(plan.refused),
        skipped_withdrawn=plan.withdrawn,
        splits=sizes,
        selection=plan.selection,
        warnings=plan.warnings,
        below_min_gene_coverage=sorted({**plan.below_coverage, **written.below_coverage}),
        cpu_seconds=written.cpu_seconds,
    )


def _drop_parts(tmp: Path, written: WriteResult) -> None:
    """``--format h5ad`` alone: the parts were the h5ad writer's input; only its files stay."""
    keep = []
    for entry in written.files:
        if entry["path"].endswith(".parquet"):
            (tmp / entry["path"]).unlink()
        else:
            keep.append(entry)
    for folder in sorted({(tmp / e["path"]).parent for e in written.files}, reverse=True):
        if folder != tmp and folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
    written.files = keep


def _placed(plan: ExportPlan, written: WriteResult, *columns: str) -> pa.Table:
    """Plan columns of the written samples, in write order."""
    return plan.rows.select(list(columns)).take(written.written["plan_row"])


def _split_sizes(plan: ExportPlan, written: WriteResult) -> dict[str, dict[str, int]]:
    placed = _placed(plan, written, "study_accession", "split_unit", "split")
    sizes: dict[str, dict[str, int]] = {}
    for name in plan.options.split_spec.names:
        members = placed.filter(pc.equal(placed["split"], name))
        sizes[name] = {
            "samples": members.num_rows,
            "studies": pc.count_distinct(members["study_accession"], mode="all").as_py(),
            "units": pc.count_distinct(members["split_unit"], mode="all").as_py(),
        }
    return sizes


#: rows per row group of samples.parquet, and per query that fills one (fixed: a rebuild writes the same bytes)
SAMPLES_GROUP_ROWS = 16_384


def _written_order(written: WriteResult) -> npt.NDArray[np.intp]:
    """Written rows in split order, then part, then row (the order of the parts' own rows)."""
    part_codes = written.written["part"].combine_chunks().indices.to_numpy()  # codes follow split, then part
    order: npt.NDArray[np.intp] = np.lexsort((written.written["row"].to_numpy(), part_codes))
    return order


def _write_samples(con: duckdb.DuckDBPyConnection, tmp: Path, plan: ExportPlan, written: WriteResult) -> dict[str, Any]:
    """``samples.parquet``: every harmonized column of ``samples`` plus where the sample went, one
    row group per query of :data:`SAMPLES_GROUP_ROWS` samples (memory bounded by that, not the export)."""
    order = pa.array(_written_order(written))
    placed = _placed(plan, written, "sample_accession", "split_unit", "shard_path", "shard_sha256").take(order)
    where = written.written.take(order)
    where = pa.table(
        {
            "accession": placed["sample_accession"],
            "split": where["split"].cast(pa.string()),
            "split_unit": placed["split_unit"],
            "part": where["part"].cast(pa.string()),
            "row": where["row"],
            "gene_coverage": where["gene_coverage"],
            "shard_path": placed["shard_path"].cast(pa.string()),
            "shard_sha256": placed["shard_sha256"].cast(pa.string()),
        }
    )
    path = tmp / "samples.parquet"
    with atomic_write(path) as handle, contextlib.ExitStack() as closing:
        writer: pq.ParquetWriter | None = None
        for start in range(0, where.num_rows, SAMPLES_GROUP_ROWS):
            window = where.slice(start, SAMPLES_GROUP_ROWS)
            window = window.append_column("position", pa.array(np.arange(window.num_rows, dtype=np.int64)))
            with registered(con, "_export_where", window) as cursor:
                table = cursor.sql(
                    """SELECT s.* EXCLUDE (record), w.* EXCLUDE (accession, position)
                       FROM _export_where w JOIN samples s USING (accession) ORDER BY w.position"""
                ).to_arrow_table()
            if writer is None:
                writer = closing.enter_context(pq.ParquetWriter(handle, table.schema, compression="zstd"))
            writer.write_table(table, row_group_size=SAMPLES_GROUP_ROWS)
    return {"path": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size, "rows": written.n_samples}


def _write_features(tmp: Path, plan: ExportPlan) -> dict[str, Any]:
    return _write_table(tmp, "features.parquet", plan.genes.table)


def _write_table(tmp: Path, name: str, table: pa.Table) -> dict[str, Any]:
    path = tmp / name
    with atomic_write(path) as handle:
        pq.write_table(table, handle, compression="zstd")
    return {"path": name, "sha256": sha256_file(path), "bytes": path.stat().st_size, "rows": table.num_rows}


def _ids_digest(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()


def _manifest(
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
            "ids_sha256": _ids_digest(plan.genes.ids),
            **plan.genes.report,
        },
        "normalization": {
            "rule": options.rule.name,
            "description": options.rule.description,
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
            "studies": pc.count_distinct(_placed(plan, written, "study_accession")[0], mode="all").as_py(),
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


def _manifest_samples(plan: ExportPlan, written: WriteResult) -> Iterator[dict[str, str | None]]:
    """The written samples in split order, then part and row order."""
    placed = _placed(plan, written, "sample_accession", "study_accession", "split", "split_unit")
    placed = placed.take(pa.array(_written_order(written)))
    for batch in placed.to_batches(max_chunksize=8192):
        for accession, study, split, unit in zip(*(c.to_pylist() for c in batch.columns), strict=True):
            yield {"sample_accession": accession, "study_accession": study, "split": split, "split_unit": unit}


def _dump_manifest(handle: IO[bytes], head: dict[str, Any], samples: Iterator[dict[str, str | None]]) -> None:
    """The manifest with its ``samples`` list streamed entry by entry (10^5 entries need no big string)."""
    text = json.dumps(head, indent=1, default=str)
    handle.write(text[:-2].encode() + b',\n "samples": [')
    for i, entry in enumerate(samples):
        handle.write((",\n  " if i else "\n  ").encode() + json.dumps(entry).encode())
    handle.write(b"\n ]\n}\n")


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadContentError(f"unreadable export manifest: {exc}", path=path) from exc
    return manifest


def verify_export(out_dir: str | Path) -> list[str]:
    """Re-hash every file the manifest lists; returns the problems (empty list = verified)."""
    root = Path(out_dir)
    manifest = read_manifest(root / MANIFEST_NAME)
    problems = []
    for entry in manifest.get("files", []):
        path = root / entry["path"]
        if not path.resolve().is_relative_to(root.resolve()):
            problems.append(f"{entry['path']}: outside the export folder")
        elif not path.exists():
            problems.append(f"{entry['path']}: missing")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: sha256 differs from the manifest")
    return problems
