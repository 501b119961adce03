"""Harmonizing a study's expression matrices: units per sample, genes per organism.

For every matrix the study carries:

1. detect each sample's unit from its numbers, weighed against what the files say (the sample's
   ``#VALUE`` description, the file name, the data-processing text);
2. keep the matrix as deposited (a ``feature``-level shard, nothing lost);
3. for organisms with a gene reference, map the feature IDs (probes through the platform table,
   NCBI GeneIDs through GEO's annotation table) and collapse to one column per Ensembl gene by the
   unit's rule (a ``gene``-level shard), with the mapping report stored beside it.

Matrices are read a chunk of samples at a time (:meth:`~rnacorpus.schemas.MatrixLike.chunks`),
whether they sit in memory or in a spool on disk, so memory stays flat in the size of the study:
one pass gathers the per-feature statistics that look across samples (fill donors for the unit
checks, probe means for the collapse), one pass detects units per chunk, and the gene-level shard
is the feature-level matrix seen through the collapse (applied per chunk as the store writes it).
A family SOFT's parser takes both the statistics and each row's unit evidence as it spools the
samples (:mod:`rnacorpus.harmonize.units.row_evidence`): that matrix is not read again for units.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter, deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.csv as pacsv

from rnacorpus.catalog.export_select import KIND_RANK
from rnacorpus.catalog.gene_tables import mapping_report_row
from rnacorpus.catalog.load import LoadPlan, SampleUnit, ShardPlan, TableRows
from rnacorpus.errors import RnacorpusError
from rnacorpus.fileio import open_maybe_gzip
from rnacorpus.harmonize.feature_stats import FeatureStats
from rnacorpus.harmonize.genes import (
    GeneReference,
    load_reference,
    map_identifiers,
    plan_collapse,
)
from rnacorpus.harmonize.genes.reference import reference_header
from rnacorpus.harmonize.units import UnitCall, detect_units_in_values, summarize_units
from rnacorpus.harmonize.units.detect import detect_units_from_evidence
from rnacorpus.harmonize.units.labels import value_column_labels
from rnacorpus.harmonize.units.row_evidence import RowEvidence
from rnacorpus.pipeline.single_cell import mark_single_cell_samples
from rnacorpus.schemas import DerivedMatrix, MatrixLike, Sample, StudyBundle, ValueChunk

__all__ = [
    "REFERENCE_TAXA",
    "HarmonizedMatrices",
    "OnShard",
    "detect_matrix_units",
    "finish_expression",
    "harmonize_expression",
    "harmonize_matrices",
    "has_values",
    "matrix_stats",
    "reference_for",
    "reference_releases",
]

log = logging.getLogger(__name__)

#: organisms with a gene reference (NCBI taxon IDs): human, mouse
REFERENCE_TAXA = (9606, 10090)
#: threads judging chunks of samples' units side by side
_UNIT_WORKERS = 2


@functools.lru_cache(maxsize=4)
def reference_for(taxid: int) -> GeneReference:
    return load_reference(taxid)


@dataclass
class _Context:
    bundle: StudyBundle
    samples: dict[str, Sample]
    ncbi_annotation: pa.Table | None


def _read_ncbi_annotation(bundle: StudyBundle) -> pa.Table | None:
    files = [f for f in bundle.files if f.role == "ncbi_annotation"]
    if not files:
        return None
    with open_maybe_gzip(files[0].path) as handle:
        table = pacsv.read_csv(
            handle,
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
            convert_options=pacsv.ConvertOptions(column_types={}, strings_can_be_null=False, auto_dict_encode=False),
            read_options=pacsv.ReadOptions(block_size=1 << 22),
        )
    return table.cast(pa.schema([(name, pa.string()) for name in table.column_names]))


def _organism(matrix: MatrixLike, ctx: _Context) -> int | None:
    taxa = Counter(
        ctx.samples[s].organism_taxid
        for s in matrix.sample_accessions
        if s in ctx.samples and ctx.samples[s].organism_taxid
    )
    if taxa:
        return taxa.most_common(1)[0][0]
    platform = next((p for p in ctx.bundle.platforms if p.accession == matrix.source.platform_accession), None)
    return platform.organism_taxid if platform else None


def _labels(matrix: MatrixLike, ctx: _Context) -> tuple[list[str], dict[str, list[str]]]:
    """Texts about the whole matrix, and per-sample texts (the sample's own ``#VALUE`` line first)."""
    study_labels = [matrix.source.file]
    if matrix.source.kind.startswith("supplementary"):
        from rnacorpus.harvester.geo.suppl_labels import supplementary_labels

        study_labels = supplementary_labels(matrix.source)
    per_sample: dict[str, list[str]] = {}
    for accession in matrix.sample_accessions:
        sample = ctx.samples.get(accession)
        if sample is None:
            continue
        texts = []
        if matrix.source.kind == "sample_tables":
            texts += value_column_labels([(c.name, c.description) for c in sample.table_columns])
        texts += sample.attributes.get("data_processing", [])
        per_sample[accession] = texts
    return study_labels, per_sample


def _platform_table(matrix: MatrixLike, ctx: _Context) -> pa.Table | None:
    if matrix.source.kind == "ncbi_counts":
        return ctx.ncbi_annotation
    return ctx.bundle.platform_tables.get(matrix.source.platform_accession or "")


def matrix_stats(matrix: MatrixLike) -> FeatureStats:
    """The matrix's per-feature statistics: the ones its parser took as it spooled the values, or
    one pass over its chunks."""
    taken = getattr(matrix, "feature_stats", None)
    if isinstance(taken, FeatureStats):
        return taken
    return FeatureStats.of((chunk.values for chunk in matrix.chunks()), len(matrix.feature_ids))


def detect_matrix_units(
    matrix: MatrixLike, stats: FeatureStats, study_labels: list[str], per_sample: dict[str, list[str]]
) -> list[UnitCall]:
    """One unit call per sample, a chunk of samples at a time; ``stats`` are the whole matrix's.

    Chunks are judged two at a time (each chunk's calls depend only on its values and ``stats``; the
    numpy work releases the GIL), handed back in sample order, at most three chunks in memory. A
    matrix whose parser took each row's evidence as it read the values (``row_evidence``) is not
    read at all, but for the rows an FPKM refill needs: the calls are the same."""
    evidence = _row_evidence(matrix, stats)
    if evidence is not None:
        return detect_units_from_evidence(
            evidence,
            matrix.sample_accessions,
            stats,
            lambda i: next(matrix.select([i]).chunks()).values[0],
            label_evidence=study_labels,
            column_labels=per_sample,
        )

    def detect(chunk: ValueChunk) -> list[UnitCall]:
        names = matrix.sample_accessions[chunk.start : chunk.start + len(chunk.values)]
        return detect_units_in_values(
            chunk.values,
            names,
            label_evidence=study_labels,
            column_labels=per_sample,
            feature_stats=stats,
        )

    calls: list[UnitCall] = []
    with ThreadPoolExecutor(max_workers=_UNIT_WORKERS, thread_name_prefix="rnacorpus-units") as pool:
        pending: deque[Future[list[UnitCall]]] = deque()
        for chunk in matrix.chunks():
            pending.append(pool.submit(detect, chunk))
            if len(pending) > _UNIT_WORKERS:
                calls += pending.popleft().result()
        while pending:
            calls += pending.popleft().result()
    return calls


def _row_evidence(matrix: MatrixLike, stats: FeatureStats) -> list[RowEvidence] | None:
    given = getattr(matrix, "row_evidence", None)
    if given is None:
        return None
    evidence = [e for e in given if isinstance(e, RowEvidence) and e.width == len(stats.count)]
    return evidence if len(evidence) == len(matrix.sample_accessions) == stats.n_samples else None


#: called with each shard as soon as it is planned (its matrix, level and rule final): :mod:`.shards_ahead`
OnShard = Callable[[ShardPlan], None]


def _harmonize_matrix(
    matrix: MatrixLike, ctx: _Context, plan: LoadPlan, reports: TableRows, on_shard: OnShard | None
) -> dict[str, SampleUnit]:
    study_labels, per_sample = _labels(matrix, ctx)
    stats = matrix_stats(matrix)
    calls = detect_matrix_units(matrix, stats, study_labels, per_sample)
    summary = summarize_units(calls)
    matrix.source = matrix.source.model_copy(
        update={
            "unit": summary.unit,
            "is_log": summary.is_log,
            "unit_evidence": summary.evidence,
            "unit_confidence": round(summary.confidence, 3),
            "n_samples": len(matrix.sample_accessions),
            "n_features": len(matrix.feature_ids),
        }
    )
    units = {c.column: SampleUnit(c.unit, c.is_log, c.evidence, c.confidence) for c in calls}
    _plan_shard(plan, ShardPlan(matrix=matrix, level="feature", sample_units=units), on_shard)
    taxid = _organism(matrix, ctx)
    if taxid in REFERENCE_TAXA:
        mapping = map_identifiers(matrix.feature_ids, reference_for(taxid), platform_table=_platform_table(matrix, ctx))
        collapse = plan_collapse(mapping, summary.unit, stats, is_log=summary.is_log)
        if collapse.gene_ids:
            source = matrix.source.model_copy(
                update={"feature_id_kind": "ensembl", "n_features": len(collapse.gene_ids)}
            )
            genes = DerivedMatrix(source, list(matrix.sample_accessions), collapse.gene_ids, matrix, collapse.apply)
            gene_shard = ShardPlan(matrix=genes, level="gene", collapse_rule=collapse.rule, sample_units=units)
            _plan_shard(plan, gene_shard, on_shard)
        reports.rows.append(
            mapping_report_row(
                mapping.report,
                study_accession=matrix.source.study_accession,
                platform_accession=matrix.source.platform_accession,
                source_file=f"{matrix.source.kind}:{matrix.source.file}",
            )
        )
    return units


def _plan_shard(plan: LoadPlan, shard: ShardPlan, on_shard: OnShard | None) -> None:
    plan.shards.append(shard)
    if on_shard is not None:
        on_shard(shard)


@dataclass
class HarmonizedMatrices:
    """What :func:`harmonize_matrices` found, for :func:`finish_expression` to put into the plan."""

    #: per sample, the unit of its highest-ranked matrix
    units: dict[str, SampleUnit]
    #: the ``gene_mapping_reports`` rows
    reports: TableRows


def harmonize_matrices(bundle: StudyBundle, plan: LoadPlan, on_shard: OnShard | None = None) -> HarmonizedMatrices:
    """Units, shards and mapping reports of ``bundle``'s matrices: the costly part of the expression
    step. It adds to ``plan.shards`` only and reads nothing of the metadata step's output but the
    organism taxa (:func:`rnacorpus.pipeline.metadata.fill_taxa`, run first), so the metadata step
    may run beside it (:func:`rnacorpus.pipeline.plan.build_load_plan`). ``on_shard`` sees each shard
    as it is planned (no later step changes a shard's matrix or its source), to write it meanwhile."""
    ctx = _Context(bundle, {s.accession: s for s in bundle.samples}, _read_ncbi_annotation(bundle))
    reports = TableRows("gene_mapping_reports", "study_accession", [bundle.study.accession], [])
    chosen: dict[str, tuple[int, SampleUnit]] = {}
    for matrix in bundle.expression:
        if not has_values(matrix):
            continue
        try:
            units = _harmonize_matrix(matrix, ctx, plan, reports, on_shard)
        except RnacorpusError as exc:
            raise exc.with_context(accession=bundle.study.accession, path=matrix.source.file) from exc
        rank = KIND_RANK.get(matrix.source.kind, 9)
        for accession, unit in units.items():
            if accession not in chosen or rank < chosen[accession][0]:
                chosen[accession] = (rank, unit)
    return HarmonizedMatrices({accession: unit for accession, (_, unit) in chosen.items()}, reports)


def finish_expression(bundle: StudyBundle, plan: LoadPlan, matrices: HarmonizedMatrices) -> None:
    """Put what :func:`harmonize_matrices` found into ``plan``, after the metadata step (single-cell
    samples are told apart by their annotations)."""
    plan.extra.append(matrices.reports)
    for accession, unit in matrices.units.items():
        plan.harmonized.setdefault(accession, {}).update(
            unit=unit.unit, is_log=unit.is_log, unit_evidence=unit.evidence, unit_confidence=unit.confidence
        )
    mark_single_cell_samples(bundle, plan)


def harmonize_expression(bundle: StudyBundle, plan: LoadPlan) -> None:
    """Fill ``plan`` with shards, per-sample units and mapping reports for ``bundle``'s matrices."""
    finish_expression(bundle, plan, harmonize_matrices(bundle, plan))


def has_values(matrix: MatrixLike) -> bool:
    """The matrix holds at least one sample and one feature (anything less is skipped)."""
    return bool(matrix.sample_accessions) and bool(matrix.feature_ids)


def reference_releases(taxa: Sequence[int] = REFERENCE_TAXA) -> dict[str, str]:
    stamps = {}
    for taxid in taxa:
        info = reference_header(taxid).info  # the footer's stamp: no table read to stamp versions
        stamps[f"gene_reference.{taxid}"] = f"{info.source} {info.release} sha256:{info.sha256[:16]}"
    return stamps
