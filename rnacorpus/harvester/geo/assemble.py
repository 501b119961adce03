"""Turning one series' fetched files into one StudyBundle (the GEO ``parse`` step).

Precedence of expression values per platform, most uniform first: NCBI-generated counts (computed
by GEO from the raw reads for every sample alike) → the family file's sample tables → the series
matrix. A source is only added for samples and platforms that a better one does not already cover,
so a sample never gets two value vectors from the same series — except authors' supplementary files,
which are kept beside the others (their own ``kind``): the export's one ranking
(``catalog/export_select.py``) chooses, and the catalog keeps both for comparison.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from rnacorpus.errors import ParseError, RnacorpusError
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.geo.suppl_fetch import SUPPL_ROLES
from rnacorpus.schemas import BundleMatrix, SourceFile, StudyBundle

if TYPE_CHECKING:
    from rnacorpus.config import Config

__all__ = ["assemble_bundle"]

log = logging.getLogger(__name__)


def _name(item: SourceFile) -> str:
    """The archive's own file name (cache paths hide it behind query hashes)."""
    parsed = urlsplit(item.url)
    named = parse_qs(parsed.query).get("file")
    return named[0] if named else PurePosixPath(parsed.path).name


def _with_context(exc: RnacorpusError, accession: str, item: SourceFile) -> RnacorpusError:
    """Name the archive file (not the cache path) in the error, and where it came from."""
    if exc.path is not None and Path(exc.path) == Path(item.path):
        exc.path = _name(item)
    return exc.with_context(accession=accession, path=_name(item), url=item.url)


def assemble_bundle(gse: str, files: Sequence[SourceFile], *, limits: Config | None = None) -> StudyBundle:
    from rnacorpus.harvester.geo.matrix import parse_series_matrix
    from rnacorpus.harvester.geo.miniml import parse_miniml
    from rnacorpus.harvester.geo.soft import parse_family_soft

    # every archive file is read under the decompression limits the user configured, not the defaults
    checks = CheckLimits.from_config(limits) if limits is not None else CheckLimits()
    by_role: dict[str, list[SourceFile]] = {}
    for item in files:
        by_role.setdefault(item.role.split(":", 1)[0], []).append(item)

    bundle: StudyBundle | None = None
    for role, parser in (("family_soft", parse_family_soft), ("miniml", parse_miniml)):
        for item in by_role.get(role, []):
            try:
                bundle = parser(item.path, accession=gse, file_name=_name(item), limits=checks)
            except RnacorpusError as exc:
                raise _with_context(exc, gse, item) from exc
    matrices = []
    # a series matrix repeats the family file's sample tables: do not even read the values it holds
    held = _covered(bundle) if bundle is not None else set()
    for item in by_role.get("series_matrix", []):
        try:
            matrices.append(
                parse_series_matrix(item.path, accession=gse, file_name=_name(item), values_held=held, limits=checks)
            )
        except RnacorpusError as exc:
            raise _with_context(exc, gse, item) from exc
    if bundle is None and not matrices:
        bundle = _bundle_from_acc_cgi(gse, by_role, checks)
    if bundle is None:
        bundle = _merge_matrix_records(matrices)
    else:
        for matrix_bundle in matrices:
            _add_missing_expression(bundle, matrix_bundle.expression)
    _add_platform_annotations(bundle, by_role.get("platform_annot", []), gse, checks)
    _prefer_ncbi_counts(bundle, by_role.get("ncbi_counts", []), gse, checks)
    annotation = next((f.path for f in files if f.role == "ncbi_annotation"), None)
    suppl = [f for f in files if f.role.split(":", 1)[0] in SUPPL_ROLES]
    _add_supplementary(bundle, suppl, limits, annotation)
    bundle.files = list(files)
    return bundle


def _add_supplementary(
    bundle: StudyBundle, suppl: Sequence[SourceFile], limits: Config | None, ncbi_annotation: str | None
) -> None:
    """Authors' files come last and are kept beside better sources (the export ranks them);
    a bad one is quarantined on its own, as a parse issue."""
    if not suppl:
        return
    from rnacorpus.harvester.geo.suppl_assemble import add_supplementary
    from rnacorpus.harvester.geo.suppl_io import SupplLimits

    caps = SupplLimits()
    if limits is not None:
        caps = SupplLimits(
            max_bytes=min(limits.max_decompressed_bytes, 8 * limits.max_suppl_file_bytes),
            max_ratio=limits.max_compression_ratio,
            max_archive_bytes=limits.max_suppl_series_bytes,
        )
    add_supplementary(bundle, suppl, limits=caps, ncbi_annotation=ncbi_annotation)


def _bundle_from_acc_cgi(gse: str, by_role: dict[str, list[SourceFile]], checks: CheckLimits) -> StudyBundle:
    """The series record and its samples fetched as separate acc.cgi answers → one bundle."""
    from rnacorpus.harvester.geo.miniml import parse_miniml, parse_miniml_records
    from rnacorpus.harvester.geo.soft import parse_soft_records

    for form, reader in (("text", parse_soft_records), ("xml", parse_miniml_records)):
        samples_file = next(iter(by_role.get(f"acc_gsm_{form}", [])), None)
        if samples_file is None:
            continue
        series_file = next(iter(by_role.get(f"acc_self_{form}", [])), None)
        try:
            if series_file is None and form == "xml":
                return parse_miniml(samples_file.path, accession=gse, limits=checks)
            series = reader(series_file.path, study_accession=gse, limits=checks) if series_file else None
            samples = reader(samples_file.path, study_accession=gse, limits=checks)
        except RnacorpusError as exc:
            raise _with_context(exc, gse, samples_file) from exc
        if series is None or not series.studies:
            raise ParseError("acc.cgi gave samples but no series record", accession=gse)
        return StudyBundle(
            study=series.studies[0],
            platforms=samples.platforms or series.platforms,
            samples=[s.model_copy(update={"study_accession": gse}) for s in samples.samples],
            expression=samples.expression,
            platform_tables=samples.platform_tables,
            issues=[*series.issues, *samples.issues],
        )
    return _series_record_only(gse, by_role, checks)


def _series_record_only(gse: str, by_role: dict[str, list[SourceFile]], checks: CheckLimits) -> StudyBundle:
    """GEO served the series record but none of its samples: load the study; each sample it lists is
    recorded as a ``declared_sample_missing`` issue (the family readers do that)."""
    from rnacorpus.harvester.geo.miniml import parse_miniml
    from rnacorpus.harvester.geo.soft import parse_family_soft

    for form, reader in (("text", parse_family_soft), ("xml", parse_miniml)):
        series_file = next(iter(by_role.get(f"acc_self_{form}", [])), None)
        if series_file is None:
            continue
        try:
            return reader(series_file.path, accession=gse, file_name=_name(series_file), limits=checks)
        except RnacorpusError as exc:
            raise _with_context(exc, gse, series_file) from exc
    raise ParseError("no family SOFT, MINiML, series matrix or acc.cgi record to read", accession=gse)


def _merge_matrix_records(matrices: list[StudyBundle]) -> StudyBundle:
    """Several per-platform series matrices of one series → one bundle (study from the first)."""
    merged = matrices[0]
    seen = {s.accession for s in merged.samples}
    for other in matrices[1:]:
        merged.samples.extend(s for s in other.samples if s.accession not in seen)
        seen.update(s.accession for s in other.samples)
        merged.platforms.extend(
            p for p in other.platforms if p.accession not in {q.accession for q in merged.platforms}
        )
        merged.expression.extend(other.expression)
        merged.issues.extend(other.issues)
    return merged


def _covered(bundle: StudyBundle) -> set[str]:
    return {sample for matrix in bundle.expression for sample in matrix.sample_accessions}


def _add_missing_expression(bundle: StudyBundle, candidates: Sequence[BundleMatrix]) -> None:
    covered = _covered(bundle)
    for matrix in candidates:
        keep = [i for i, s in enumerate(matrix.sample_accessions) if s not in covered]
        if not keep or not matrix.feature_ids:
            continue
        chosen = matrix.select(keep)
        bundle.expression.append(chosen)
        covered.update(chosen.sample_accessions)


def _add_platform_annotations(bundle: StudyBundle, annots: Sequence[SourceFile], gse: str, checks: CheckLimits) -> None:
    from rnacorpus.harvester.geo.soft import read_platform_table

    for item in annots:
        gpl = item.role.split(":", 1)[1] if ":" in item.role else None
        try:
            platform, table = read_platform_table(item.path, limits=checks)
        except RnacorpusError as exc:
            # The platform table inside the family file still serves; say so and go on.
            log.warning(
                "%s: unreadable platform annotation %s (%s); using the family file's table",
                gse,
                item.url,
                exc,
            )
            continue
        bundle.platform_tables[gpl or platform.accession] = table


def _prefer_ncbi_counts(bundle: StudyBundle, count_files: Sequence[SourceFile], gse: str, checks: CheckLimits) -> None:
    from rnacorpus.harvester.geo.ncbi_counts import read_ncbi_counts

    raw = list(count_files)
    if not raw:
        return
    try:
        matrices = [read_ncbi_counts(f.path, accession=gse, file_name=_name(f), limits=checks) for f in raw]
    except RnacorpusError as exc:
        raise _with_context(exc, gse, raw[0]) from exc
    known = {s.accession: s.platform_accession for s in bundle.samples}
    counts: list[BundleMatrix] = []
    for matrix in matrices:
        keep = [i for i, s in enumerate(matrix.sample_accessions) if s in known]
        if not keep:
            continue
        platforms = {known[matrix.sample_accessions[i]] for i in keep}
        source = matrix.source.model_copy(
            update={
                "study_accession": gse,
                "platform_accession": next(iter(platforms)) if len(platforms) == 1 else None,
            }
        )
        matrix.source = source
        counts.append(matrix.select(keep))
    previous = bundle.expression
    bundle.expression = counts
    _add_missing_expression(bundle, previous)
