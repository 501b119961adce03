"""Read supplementary tables → in-memory expression matrices placed on a series' samples.

Three shapes of input: a series-wide table whose columns are matched to samples
(:func:`series_matrix`), per-sample files of one layout aligned on the union of their feature IDs
(:func:`per_sample_matrices`), and a 10x triplet summed over its cells (:func:`mtx_matrix`). Each
matrix's source records every sample's columns, rule, confidence and how several columns were
combined; per-cell counts become ``kind = 'supplementary_pseudobulk'``. What the match leaves out
is reported as issues on the context (:func:`_report_match`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import pandas as pd

from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo.suppl_inputs import SupplContext, SupplUnit
from rnacorpus.harvester.geo.suppl_match import ColumnAssignment, MatchResult, match_columns
from rnacorpus.harvester.geo.suppl_singlecell import (
    barcode_columns,
    per_cell_evidence,
    read_mtx_pseudobulk,
    records_say_single_cell,
)
from rnacorpus.harvester.geo.suppl_table import SupplTable
from rnacorpus.schemas import ColumnMatch, ExpressionMatrix, ExpressionSource, StudyBundle
from rnacorpus.schemas.models import ExpressionKind

__all__ = ["mtx_matrix", "per_sample_matrices", "series_matrix"]


def _feature_kind(ids: Sequence[str]) -> str:
    head = [i for i in ids[:200] if i]
    if not head:
        return "unknown"
    if sum(i.upper().startswith("ENS") for i in head) > 0.8 * len(head):
        return "ensembl"
    if sum(i.isdigit() for i in head) > 0.8 * len(head):
        return "entrez"
    return "symbol"


def _combine(block: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.float32], str]:
    """Several columns of one sample → one profile: counts add up, anything else is averaged."""
    finite = block[np.isfinite(block)]
    if finite.size and np.all(np.equal(np.mod(finite, 1), 0)):
        return np.nansum(block, axis=0).astype(np.float32), "sum"
    return np.nanmean(block, axis=0).astype(np.float32), "mean"


def _profiles(
    table: SupplTable, assignments: Sequence[ColumnAssignment], *, cells: bool
) -> tuple[npt.NDArray[np.float32], list[ColumnMatch]]:
    """One row per assignment (its columns combined) and the record of how each was found."""
    position = {c: i for i, c in enumerate(table.columns)}
    rows = np.empty((len(assignments), len(table.ids)), np.float32)
    matches = []
    for row, assignment in enumerate(assignments):
        block = table.values[[position[c] for c in assignment.columns]]
        combine = None
        if cells:
            rows[row], combine = np.nansum(block, axis=0).astype(np.float32), "sum"
        elif len(assignment.columns) > 1:
            rows[row], combine = _combine(block)
        else:
            rows[row] = block[0]
        matches.append(
            ColumnMatch(
                sample=assignment.sample,
                columns=list(assignment.columns),
                method=assignment.method,
                confidence=assignment.confidence,
                family=assignment.family,
                combine=combine,
                n_cells=len(assignment.columns) if cells else None,
            )
        )
    return rows, matches


def _matrix(
    ctx: SupplContext,
    *,
    kind: ExpressionKind,
    file: str,
    ids: list[str],
    rows: npt.NDArray[np.float32],
    matches: list[ColumnMatch],
    value_column: str | None,
) -> ExpressionMatrix:
    samples = [m.sample for m in matches]
    source = ExpressionSource(
        study_accession=ctx.bundle.study.accession,
        platform_accession=_platform(ctx.bundle, samples),
        kind=kind,
        file=file,
        value_column=value_column,
        feature_id_kind=_feature_kind(ids),
        n_samples=len(samples),
        n_features=len(ids),
        column_matches=matches,
    )
    return ExpressionMatrix(source, samples, ids, rows)


def _platform(bundle: StudyBundle, samples: Sequence[str]) -> str | None:
    platforms = {s.platform_accession for s in bundle.samples if s.accession in set(samples)}
    return next(iter(platforms)) if len(platforms) == 1 else None


def _report_match(table: SupplTable, result: MatchResult, ctx: SupplContext) -> bool:
    """Issues for what the match left out; False when nothing could be matched (file quarantined)."""
    if not result.assignments:
        why = "; ".join(result.problems) or "no column could be placed on a sample of this series"
        shown = ", ".join(repr(c) for c in table.columns[:5]) + (" …" if len(table.columns) > 5 else "")
        ctx.issue("suppl_columns_unmatched", f"columns {shown} not matched to samples: {why}", file=table.file)
        return False
    for problem in result.problems:
        ctx.issue("suppl_match_note", problem, file=table.file, level="warning")
    if result.unmatched_columns:
        shown = ", ".join(repr(c) for c in result.unmatched_columns[:10])
        more = f" and {len(result.unmatched_columns) - 10} more" if len(result.unmatched_columns) > 10 else ""
        ctx.issue(
            "suppl_columns_unmatched",
            f"{len(result.unmatched_columns)} column(s) match no sample: {shown}{more}",
            file=table.file,
            level="warning",
        )
    for warning in table.warnings:
        ctx.issue("suppl_read_note", warning, file=table.file, level="warning")
    return True


def series_matrix(table: SupplTable, ctx: SupplContext) -> None:
    samples = ctx.bundle.samples
    if barcode_columns(table.columns):
        ctx.issue(
            "suppl_cells_unassigned",
            "columns are cell barcodes and the file is not named after one sample: its cells cannot be assigned "
            "to samples, skipped",
            file=table.file,
            level="warning",
        )
        return
    result = match_columns(table.columns, samples)
    if not _report_match(table, result, ctx):
        return
    matched = [a.sample for a in result.assignments]
    evidence = records_say_single_cell([s for s in samples if s.accession in set(matched)], ctx.bundle.study)
    evidence = evidence or per_cell_evidence(table.values)
    if evidence:
        ctx.issue("suppl_single_cell", f"per-cell counts ({evidence}): stored as pseudo-bulk", file=table.file,
                  level="warning")  # fmt: skip
    kind: ExpressionKind = "supplementary_pseudobulk" if evidence else "supplementary"
    rows, matches = _profiles(table, result.assignments, cells=bool(evidence))
    ctx.bundle.expression.append(
        _matrix(
            ctx, kind=kind, file=table.file, ids=table.ids, rows=rows, matches=matches, value_column=table.value_column
        )
    )


def per_sample_matrices(tables: Sequence[SupplTable], ctx: SupplContext) -> None:
    """Per-sample files → one matrix per layout (tool, ID column, set-aside columns)."""
    groups: dict[tuple[object, ...], list[tuple[SupplTable, ColumnAssignment, bool]]] = {}
    for table in tables:
        cells = barcode_columns(table.columns)
        if cells:
            assignment = _cells_of(table, ctx)
        else:
            result = match_columns(table.columns, ctx.bundle.samples, file_sample=table.sample)
            assignment = result.assignments[0] if _report_match(table, result, ctx) else None
        if assignment is None:
            continue
        key = (cells, table.tool, table.id_column.lower(), tuple(a.lower() for a in table.annotation))
        groups.setdefault(key, []).append((table, assignment, cells))
    for members in groups.values():
        _assemble(members, ctx)


def _cells_of(table: SupplTable, ctx: SupplContext) -> ColumnAssignment | None:
    known = {s.accession for s in ctx.bundle.samples}
    if table.sample not in known:
        ctx.issue(
            "suppl_cells_unassigned",
            f"cells of {table.sample}, which is not a sample of this series: skipped",
            file=table.file,
        )
        return None
    ctx.issue("suppl_single_cell", f"{len(table.columns)} cell barcodes: stored as pseudo-bulk of {table.sample}",
              file=table.file, level="warning")  # fmt: skip
    return ColumnAssignment(str(table.sample), list(table.columns), "gsm_in_file_name", 1.0, "file_name")


def _assemble(members: list[tuple[SupplTable, ColumnAssignment, bool]], ctx: SupplContext) -> None:
    """Align per-sample files on the union of their feature IDs (vectorized per file)."""
    union = pd.Index(members[0][0].ids)
    for table, _, _ in members[1:]:
        union = union.union(pd.Index(table.ids), sort=False)
    cells = members[0][2]
    names = sorted(table.file for table, _, _ in members)
    file = ", ".join(names) if len(names) <= 3 else f"{names[0]} … ({len(names)} per-sample files)"
    seen: set[str] = set()
    rows, matches, value_columns = [], [], set()
    for table, assignment, _ in members:
        if assignment.sample in seen:
            ctx.issue("suppl_duplicate_sample", f"a second file for {assignment.sample}: skipped", file=table.file)
            continue
        seen.add(assignment.sample)
        profile, match = _profiles(table, [assignment], cells=cells)
        aligned = np.full(len(union), np.nan, np.float32)
        aligned[union.get_indexer(pd.Index(table.ids))] = profile[0]
        rows.append(aligned)
        matches += match
        if table.value_column:
            value_columns.add(table.value_column)
    ctx.bundle.expression.append(
        _matrix(
            ctx,
            kind="supplementary_pseudobulk" if cells else "supplementary",
            file=file,
            ids=[str(i) for i in union],
            rows=np.vstack(rows),
            matches=matches,
            value_column=" / ".join(sorted(value_columns)) or None,
        )
    )


def mtx_matrix(gsm: str, parts: dict[str, SupplUnit], ctx: SupplContext) -> None:
    matrix = parts.get("matrix")
    name = matrix.name if matrix else next(iter(parts.values())).name
    if matrix is None or "features" not in parts:
        ctx.issue("suppl_file_quarantined", "a 10x triplet without its matrix.mtx or features/genes file",
                  file=name)  # fmt: skip
        return
    if gsm not in {s.accession for s in ctx.bundle.samples}:
        ctx.issue("suppl_cells_unassigned", f"10x matrix of {gsm}, not a sample of this series: skipped", file=name)
        return
    barcodes = parts.get("barcodes")
    try:
        bulk = read_mtx_pseudobulk(
            _as_stream(matrix),
            _as_stream(parts["features"]),
            barcodes=_as_stream(barcodes) if barcodes else None,
            name=name,
            limits=ctx.limits,
        )
    except RnacorpusError as exc:
        ctx.issue("suppl_file_quarantined", exc.message, file=name, line=exc.line)
        return
    ids, values, duplicates = _unique(bulk.feature_ids, bulk.values)
    match = ColumnMatch(sample=gsm, columns=[name], method="gsm_in_file_name", confidence=1.0, family="file_name",
                        combine="sum", n_cells=bulk.n_cells)  # fmt: skip
    if duplicates:
        ctx.issue("suppl_read_note", f"{duplicates} repeated feature IDs summed", file=name, level="warning")
    ctx.bundle.expression.append(
        _matrix(
            ctx,
            kind="supplementary_pseudobulk",
            file=name,
            ids=ids,
            rows=values[None, :],
            matches=[match],
            value_column=None,
        )
    )


def _as_stream(unit: SupplUnit) -> IO[bytes]:
    return Path(unit.data).open("rb")


def _unique(ids: list[str], values: npt.NDArray[np.float32]) -> tuple[list[str], npt.NDArray[np.float32], int]:
    frame = pd.Series(values, index=pd.Index(ids))
    if frame.index.is_unique:
        return ids, values, 0
    summed = frame.groupby(level=0, sort=False).sum()
    return [str(i) for i in summed.index], summed.to_numpy(np.float32), len(ids) - len(summed)
