"""A series' fetched supplementary files → expression matrices matched to its samples, or reasons.

For each file (or archive member): classify (name, then content), read (:mod:`.suppl_readers`),
place columns on samples (:mod:`.suppl_match`), recognize cells (:mod:`.suppl_singlecell`), and
build one in-memory :class:`ExpressionMatrix` — ``kind = 'supplementary'`` for profiles,
``'supplementary_pseudobulk'`` for summed cells — whose source records every sample's columns,
rule and confidence. Per-sample files of one layout are assembled into one matrix. A file that
cannot be read or matched is quarantined on its own: a ``parse_issues`` row (level ``error``)
naming the file and the line or column, while the study and its other files load.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo.suppl_discovery import FETCHED_CATEGORIES, classify_name, sample_of, sniff_content
from rnacorpus.harvester.geo.suppl_io import SupplLimits, iter_archive_members, open_decompressed
from rnacorpus.harvester.geo.suppl_match import ColumnAssignment, MatchResult, match_columns
from rnacorpus.harvester.geo.suppl_readers import SupplTable, read_suppl_table
from rnacorpus.harvester.geo.suppl_singlecell import (
    barcode_columns,
    per_cell_evidence,
    read_mtx_pseudobulk,
    records_say_single_cell,
)
from rnacorpus.harvester.geo.suppl_verify import verify_against
from rnacorpus.schemas import (
    ColumnMatch,
    ExpressionMatrix,
    ExpressionSource,
    MatrixLike,
    ParseIssue,
    SourceFile,
    StudyBundle,
)
from rnacorpus.schemas.models import ExpressionKind

__all__ = ["SUPPL_ROLES", "add_supplementary"]

log = logging.getLogger(__name__)

#: SourceFile roles the GEO source gives supplementary files and archives (and files it could not get)
SUPPL_ROLES = ("suppl", "suppl_archive", "suppl_unavailable")
_SNIFF = 64 * 1024


@dataclass
class _Unit:
    """One readable file: a fetched file or an archive member."""

    name: str
    data: str  # a cache path, or a temp copy of an archive member
    container: str | None = None


@dataclass
class _Context:
    bundle: StudyBundle
    limits: SupplLimits
    issues: list[ParseIssue] = field(default_factory=list)

    def issue(self, code: str, message: str, *, file: str, level: str = "error", line: int | None = None) -> None:
        self.issues.append(
            ParseIssue(
                level="error" if level == "error" else "warning",
                code=code,
                message=message,
                accession=self.bundle.study.accession,
                path=file,
                line=line,
            )
        )


def _archive_name(item: SourceFile) -> str:
    return PurePosixPath(urlsplit(item.url).path).name


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
    ctx = _Context(bundle, limits or SupplLimits())
    before = list(bundle.expression)
    with tempfile.TemporaryDirectory(prefix="rnacorpus-suppl-") as scratch:
        units = list(_units(files, ctx, Path(scratch)))
        _read_units(units, ctx)
    _verify(before, ctx, ncbi_annotation)
    bundle.issues.extend(ctx.issues)


def _read_units(units: list[_Unit], ctx: _Context) -> None:
    per_sample: list[SupplTable] = []
    mtx: dict[str, dict[str, _Unit]] = {}
    for unit in units:
        category = _category(unit, ctx)
        if category is None:
            continue
        if category == "single_cell" and _mtx_part(unit.name):
            mtx.setdefault(sample_of(unit.name) or unit.name.split("_")[0], {})[_mtx_part(unit.name) or ""] = unit
            continue
        if unit.name.lower().endswith((".h5", ".h5ad", ".loom")):
            ctx.issue(
                "suppl_not_read",
                "HDF5 single-cell file (10x h5 / h5ad / loom): not read, rnacorpus has no HDF5 reader",
                file=unit.name,
                level="warning",
            )
            continue
        table = _read(unit, ctx)
        if table is None:
            continue
        if table.sample is not None:
            per_sample.append(table)
        else:
            _series_matrix(table, ctx)
    _per_sample_matrices(per_sample, ctx)
    for gsm, parts in mtx.items():
        _mtx_matrix(gsm, parts, ctx)


def _verify(before: Sequence[MatrixLike], ctx: _Context, ncbi_annotation: str | None) -> None:
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


# -- inputs -------------------------------------------------------------------------------------


def _units(files: Sequence[SourceFile], ctx: _Context, scratch: Path) -> Iterator[_Unit]:
    """Fetched files, then archive members copied to temp files of our own naming (never the
    member's: its name is only a label), skipping members fetched on their own already."""
    fetched = {_archive_name(item) for item in files if item.role == "suppl"}
    for item in files:
        name = _archive_name(item)
        if item.role == "suppl_unavailable":
            kind = urlsplit(item.url).fragment or "error"
            ctx.issue("suppl_not_fetched", f"listed by GEO but not fetched ({kind})", file=name, level="warning")
            continue
        if item.role == "suppl":
            yield _Unit(name, item.path)
            continue
        try:
            for member in iter_archive_members(item.path, name=name, wanted=_wanted_member, limits=ctx.limits):
                with member.data:
                    if member.name in fetched:
                        continue
                    fd, temp = tempfile.mkstemp(dir=scratch, suffix=".member")
                    with os.fdopen(fd, "wb") as out:
                        shutil.copyfileobj(member.data, out, 1 << 20)
                yield _Unit(member.name, temp, container=name)
        except RnacorpusError as exc:
            ctx.issue("suppl_archive_refused", exc.message, file=name)


def _wanted_member(name: str) -> bool:
    return classify_name(name)[0] in FETCHED_CATEGORIES


def _source(unit: _Unit) -> str:
    return unit.data


def _category(unit: _Unit, ctx: _Context) -> str | None:
    category, _ = classify_name(unit.name)
    if category not in FETCHED_CATEGORIES:
        return None
    try:
        source = _source(unit)
        if _raw_head(source).startswith(b"PK\x03\x04") and unit.name.lower().endswith((".xlsx", ".xlsm")):
            return category  # a workbook: the Excel reader judges its content
        with open_decompressed(source, name=unit.name, limits=ctx.limits) as stream:
            head = stream.read(_SNIFF)
    except RnacorpusError as exc:
        ctx.issue("suppl_file_quarantined", exc.message, file=unit.name)
        return None
    revised, why = sniff_content(unit.name, head, category)
    if revised not in FETCHED_CATEGORIES:
        ctx.issue("suppl_not_expression", f"not read: {why}", file=unit.name, level="warning")
        return None
    return revised


def _raw_head(source: str | IO[bytes]) -> bytes:
    if isinstance(source, str):
        with Path(source).open("rb") as handle:
            return handle.read(8)
    head = source.read(8)
    source.seek(0)
    return head


def _mtx_part(name: str) -> str | None:
    lowered = name.lower()
    for part in ("matrix.mtx", "barcodes.tsv", "features.tsv", "genes.tsv"):
        if part in lowered:
            return "features" if part == "genes.tsv" else part.split(".")[0]
    return None


def _read(unit: _Unit, ctx: _Context) -> SupplTable | None:
    try:
        return read_suppl_table(_source(unit), name=unit.name, limits=ctx.limits)
    except RnacorpusError as exc:
        ctx.issue("suppl_file_quarantined", exc.message, file=unit.name, line=exc.line)
        return None


# -- matrices -----------------------------------------------------------------------------------


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
    ctx: _Context,
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


def _report_match(table: SupplTable, result: MatchResult, ctx: _Context) -> bool:
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


def _series_matrix(table: SupplTable, ctx: _Context) -> None:
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


def _per_sample_matrices(tables: Sequence[SupplTable], ctx: _Context) -> None:
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


def _cells_of(table: SupplTable, ctx: _Context) -> ColumnAssignment | None:
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


def _assemble(members: list[tuple[SupplTable, ColumnAssignment, bool]], ctx: _Context) -> None:
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


def _mtx_matrix(gsm: str, parts: dict[str, _Unit], ctx: _Context) -> None:
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


def _as_stream(unit: _Unit) -> IO[bytes]:
    return Path(unit.data).open("rb")


def _unique(ids: list[str], values: npt.NDArray[np.float32]) -> tuple[list[str], npt.NDArray[np.float32], int]:
    frame = pd.Series(values, index=pd.Index(ids))
    if frame.index.is_unique:
        return ids, values, 0
    summed = frame.groupby(level=0, sort=False).sum()
    return [str(i) for i in summed.index], summed.to_numpy(np.float32), len(ids) - len(summed)
