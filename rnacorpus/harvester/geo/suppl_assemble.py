"""A series' fetched supplementary files → expression matrices matched to its samples, or reasons.

For each file (or archive member): classify (name, then content), read (:mod:`.suppl_readers`;
units and their reading in :mod:`.suppl_inputs`), place columns on samples (:mod:`.suppl_match`),
recognize cells (:mod:`.suppl_singlecell`), and build one in-memory :class:`ExpressionMatrix`
(:mod:`.suppl_matrices`) — ``kind = 'supplementary'`` for profiles, ``'supplementary_pseudobulk'``
for summed cells — whose source records every sample's columns, rule and confidence. Per-sample
files of one layout are assembled into one matrix. A file that cannot be read or matched is
quarantined on its own: a ``parse_issues`` row (level ``error``) naming the file and the line or
column, while the study and its other files load. Last, each new matrix is checked against the
series' other values of the same samples (:mod:`.suppl_verify`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo.suppl_discovery import sample_of
from rnacorpus.harvester.geo.suppl_inputs import (
    SupplContext,
    SupplUnit,
    iter_units,
    mtx_part,
    read_unit,
    unit_category,
)
from rnacorpus.harvester.geo.suppl_io import SupplLimits, open_decompressed
from rnacorpus.harvester.geo.suppl_matrices import mtx_matrix, per_sample_matrices, series_matrix
from rnacorpus.harvester.geo.suppl_table import SupplTable
from rnacorpus.harvester.geo.suppl_verify import verify_against
from rnacorpus.schemas import ExpressionMatrix, MatrixLike, SourceFile, StudyBundle

__all__ = ["add_supplementary"]

log = logging.getLogger(__name__)


def add_supplementary(
    bundle: StudyBundle,
    files: Sequence[SourceFile],
    *,
    limits: SupplLimits | None = None,
    ncbi_annotation: str | None = None,
) -> None:
    """Append the supplementary matrices of ``files`` to ``bundle.expression`` and their issues.

    ``ncbi_annotation`` (GEO's gene table for NCBI counts) lets matched columns be checked against
    NCBI's counts of the same samples (:mod:`.suppl_verify`).
    """
    ctx = SupplContext(bundle, limits or SupplLimits())
    before = list(bundle.expression)
    with tempfile.TemporaryDirectory(prefix="rnacorpus-suppl-") as scratch:
        units = list(iter_units(files, ctx, Path(scratch)))
        _read_units(units, ctx)
    _verify(before, ctx, ncbi_annotation)
    bundle.issues.extend(ctx.issues)


def _read_units(units: list[SupplUnit], ctx: SupplContext) -> None:
    per_sample: list[SupplTable] = []
    mtx: dict[str, dict[str, SupplUnit]] = {}
    for unit in units:
        category = unit_category(unit, ctx)
        if category is None:
            continue
        if category == "single_cell" and mtx_part(unit.name):
            mtx.setdefault(sample_of(unit.name) or unit.name.split("_")[0], {})[mtx_part(unit.name) or ""] = unit
            continue
        if unit.name.lower().endswith((".h5", ".h5ad", ".loom")):
            ctx.issue(
                "suppl_not_read",
                "HDF5 single-cell file (10x h5 / h5ad / loom): not read, rnacorpus has no HDF5 reader",
                file=unit.name,
                level="warning",
            )
            continue
        table = read_unit(unit, ctx)
        if table is None:
            continue
        if table.sample is not None:
            per_sample.append(table)
        else:
            series_matrix(table, ctx)
    per_sample_matrices(per_sample, ctx)
    for gsm, parts in mtx.items():
        mtx_matrix(gsm, parts, ctx)


def _verify(before: Sequence[MatrixLike], ctx: SupplContext, ncbi_annotation: str | None) -> None:
    """Check each new matrix against GEO's own values, then against the other authors' files."""
    added = [m for m in ctx.bundle.expression if isinstance(m, ExpressionMatrix) and all(m is not b for b in before)]
    translations = _ncbi_translations(ncbi_annotation) if ncbi_annotation else {}
    bad: dict[int, list[str]] = {}
    for matrix in added:
        if matrix.source.kind != "supplementary":
            continue  # a pseudo-bulk is a sum of cells; GEO's values of the same sample are not its equal
        others = [m for m in added if m is not matrix and m.source.kind == "supplementary"]
        for reference in [*before, *others]:
            translate = (
                translations.get(matrix.source.feature_id_kind) if reference.source.kind == "ncbi_counts" else None
            )
            mismatches, rho = verify_against(matrix, reference, reference_translation=translate)
            where = f"{reference.source.kind}:{reference.source.file}"
            if mismatches:
                shown = "; ".join(
                    f"column {m.column!r} (placed on {m.sample}) resembles {m.looks_like} "
                    f"(rho {m.rho_other:.3f} vs {m.rho_own:.3f})"
                    for m in mismatches[:5]
                )
                bad.setdefault(id(matrix), []).append(f"values contradict {where}: {shown}")
            elif rho is not None:
                for match in matrix.source.column_matches:
                    match.checked_against = match.checked_against or f"{where} (median rho {rho:.3f})"
    for matrix in added:
        reasons = bad.get(id(matrix))
        if reasons:
            ctx.bundle.expression.remove(matrix)
            ctx.issue(
                "suppl_columns_mismatch",
                f"file quarantined, its column names do not match its values: {' | '.join(reasons)}",
                file=matrix.source.file,
            )


def _ncbi_translations(path: str) -> dict[str, dict[str, str]]:
    """NCBI GeneID → Ensembl gene and → symbol, from GEO's annotation table (upper-cased keys)."""
    try:
        with open_decompressed(path, name="ncbi annotation") as stream:
            table = pacsv.read_csv(
                stream,
                parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
                convert_options=pacsv.ConvertOptions(
                    include_columns=["GeneID", "Symbol", "EnsemblGeneID"],
                    column_types={"GeneID": pa.string(), "Symbol": pa.string(), "EnsemblGeneID": pa.string()},
                ),
            )
    except (RnacorpusError, pa.ArrowException, OSError) as exc:
        log.info("NCBI annotation table unreadable for the cross-check: %s", exc)
        return {}
    frame = table.to_pandas()
    frame["GeneID"] = frame["GeneID"].str.upper()
    out = {}
    for kind, column in (("ensembl", "EnsemblGeneID"), ("symbol", "Symbol")):
        pairs = frame.dropna(subset=[column])
        out[kind] = dict(zip(pairs["GeneID"], pairs[column].str.upper(), strict=True))
    return out
