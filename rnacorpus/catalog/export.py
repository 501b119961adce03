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

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.catalog.export_manifest import (
    EXPORT_FORMAT,
    dump_manifest,
    manifest_head,
    manifest_samples,
    placed,
    write_features,
    write_samples,
)
from rnacorpus.catalog.export_memory import EXPORT_DUCKDB_SETTINGS, export_memory_pool
from rnacorpus.catalog.export_options import ExportOptions, make_options
from rnacorpus.catalog.export_plan import ExportPlan, plan_export
from rnacorpus.catalog.export_write import WriteResult, write_parts
from rnacorpus.errors import BadContentError, EmptyExportError
from rnacorpus.fileio import atomic_write, sha256_file
from rnacorpus.outfolder import FolderKind, build_folder, inspect_target
from rnacorpus.progress import NullProgress, Progress

if TYPE_CHECKING:
    from rnacorpus.catalog.api import Catalog

__all__ = [
    "EXPORT_FOLDER",
    "EXPORT_FORMAT",
    "MANIFEST_NAME",
    "ExportResult",
    "export_training_set",
    "run_export",
    "verify_export",
]

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
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
    with export_memory_pool(), catalog.connect(settings=EXPORT_DUCKDB_SETTINGS) as con:
        plan = plan_export(con, catalog.store, options, pinned=pinned)
        # planning's Arrow temporaries (sorts, joins of 10^5 rows) stay in the pool unless handed back
        pa.default_memory_pool().release_unused()
        versions = {str(k): str(v) for k, v in con.execute("SELECT key, value FROM catalog_versions").fetchall()}
        versions.pop("store_dir", None)  # where the store lives is not what the data is
        with build_folder(out_dir, EXPORT_FOLDER, overwrite=overwrite, remove_old_beside=True) as tmp:
            progress = progress or NullProgress()
            progress.start(len(pc.unique(plan.rows["shard_path"])))
            tables: list[dict[str, Any]] = []

            def tables_while_lanes_finish(result: WriteResult) -> None:
                # samples.parquet needs where each sample went, not the parts' bytes: written while
                # the lanes encode and fsync their last row groups (~0.1 s at 10^4 that ran after them)
                if result.n_samples:
                    tables.extend([write_samples(con, tmp, plan, result), write_features(tmp, plan)])

            try:
                written = write_parts(
                    con,
                    catalog.store,
                    plan,
                    tmp,
                    lambda study: progress.advance(study, "written"),
                    group_rows,
                    tables_while_lanes_finish,
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
            files = [*written.files, *tables]
            sizes = _split_sizes(plan, written)
            manifest = manifest_head(catalog, plan, written, files, versions, sizes)
            with atomic_write(tmp / MANIFEST_NAME) as handle:
                dump_manifest(handle, manifest, manifest_samples(plan, written))
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


def _split_sizes(plan: ExportPlan, written: WriteResult) -> dict[str, dict[str, int]]:
    rows = placed(plan, written, "study_accession", "split_unit", "split")
    sizes: dict[str, dict[str, int]] = {}
    for name in plan.options.split_spec.names:
        members = rows.filter(pc.equal(rows["split"], name))
        sizes[name] = {
            "samples": members.num_rows,
            "studies": pc.count_distinct(members["study_accession"], mode="all").as_py(),
            "units": pc.count_distinct(members["split_unit"], mode="all").as_py(),
        }
    return sizes


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
