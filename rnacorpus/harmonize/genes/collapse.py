"""Many features → one gene, by a rule chosen from the unit and recorded with the shard.

* additive linear units (counts, CPM, TPM, FPKM) — **sum**: reads and abundances of several rows
  of one gene add up (NaN ignored, all-NaN stays NaN);
* log-scale values, array intensities and unknown units — **max_mean**: the feature with the
  highest mean over the shard's samples stands for the gene, values unchanged (WGCNA's
  ``collapseRows`` "MaxMean", recommended for probe → gene by Miller et al. 2011); summing logs
  or intensities of different probes would be arithmetic without a meaning;
* centred / z-scored values — **max_variance**: their means are ~0 by construction, so the most
  variable feature represents the gene.

Unmapped, ambiguous and dropped features are left out; the report says how many. The choice of
representative looks at all samples, so it is planned once (:func:`plan_collapse`, from
:class:`~rnacorpus.harmonize.feature_stats.FeatureStats`) and applied chunk by chunk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from rnacorpus.harmonize.feature_stats import FeatureStats
from rnacorpus.harmonize.genes.mapping import CollapseRecord, GeneMapping
from rnacorpus.schemas.bundle import ExpressionMatrix

__all__ = ["ADDITIVE_UNITS", "CollapsePlan", "collapse_rule", "collapse_to_genes", "plan_collapse"]

log = logging.getLogger(__name__)

ADDITIVE_UNITS = frozenset({"counts", "cpm", "tpm", "fpkm"})


class _HasUnit(Protocol):
    @property
    def unit(self) -> str: ...

    @property
    def is_log(self) -> bool: ...


def collapse_rule(unit: str, *, is_log: bool = False) -> str:
    """``sum`` / ``max_mean`` / ``max_variance`` for a unit (see the module docstring)."""
    if unit in ADDITIVE_UNITS and not is_log:
        return "sum"
    if unit == "centered":
        return "max_variance"
    return "max_mean"


def _sum(values: npt.NDArray[np.float32], groups: npt.NDArray[np.int64], n_genes: int) -> npt.NDArray[np.float32]:
    order = np.argsort(groups, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(groups[order]) != 0])
    block = values[:, order]
    finite = ~np.isnan(block)
    totals = np.add.reduceat(np.where(finite, block, 0.0).astype(np.float64), starts, axis=1)
    seen = np.add.reduceat(finite.astype(np.int32), starts, axis=1)
    return np.where(seen > 0, totals, np.nan).astype(np.float32).reshape(values.shape[0], n_genes)


def _representatives(
    stats: FeatureStats, used: npt.NDArray[np.int64], groups: npt.NDArray[np.int64], score_kind: str
) -> npt.NDArray[np.int64]:
    """Index (into ``used``) of the feature that stands for each gene (highest mean or variance over
    all samples; ties → first)."""
    counts, sums = stats.count[used], stats.total[used]
    with np.errstate(all="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), -np.inf)
        if score_kind == "max_variance":
            sq = stats.total_sq[used]
            score = np.where(counts > 0, sq / np.maximum(counts, 1) - mean**2, -np.inf)
        else:
            score = mean
    position = np.arange(len(used))
    order = np.lexsort((position, -score, groups))
    first = np.r_[True, np.diff(groups[order]) != 0]
    return np.asarray(order[first], dtype=np.int64)


@dataclass(frozen=True)
class CollapsePlan:
    """Decided once per matrix (over all its samples); :meth:`apply` then works on any chunk of samples."""

    rule: str
    gene_ids: list[str]
    #: features that map to a gene, and the gene (index into ``gene_ids``) of each
    used: npt.NDArray[np.int64]
    groups: npt.NDArray[np.int64]
    #: for max_mean / max_variance: the feature (index into the matrix) standing for each gene
    picks: npt.NDArray[np.int64] | None

    def apply(self, values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Samples × features (all the matrix's features) → samples × genes."""
        if not self.gene_ids:
            return np.zeros((values.shape[0], 0), dtype=np.float32)
        if self.picks is not None:
            return np.ascontiguousarray(values[:, self.picks], np.float32)
        return _sum(values[:, self.used], self.groups, len(self.gene_ids))


def plan_collapse(
    mapping: GeneMapping, unit: str | _HasUnit, stats: FeatureStats, *, is_log: bool | None = None
) -> CollapsePlan:
    """The collapse of features in ``mapping`` order to Ensembl genes (sorted by ID), by the unit's
    rule; ``stats`` are the matrix's per-feature statistics over all samples. The rule and its counts
    are recorded in ``mapping.report.collapse``."""
    if not isinstance(unit, str):
        is_log = unit.is_log if is_log is None else is_log
        unit = unit.unit
    if len(mapping) != len(stats.count):
        raise ValueError(f"mapping has {len(mapping)} rows but the matrix has {len(stats.count)} features")
    rule = collapse_rule(unit, is_log=bool(is_log))
    ensembl = np.asarray(mapping.table["ensembl_id"].to_pylist(), dtype=object)
    used = np.flatnonzero(pd.notna(ensembl)).astype(np.int64)
    genes, groups = np.unique(ensembl[used].astype(str), return_inverse=True)
    groups = groups.astype(np.int64)
    picks = None
    if len(genes) and rule != "sum":
        picks = used[_representatives(stats, used, groups, rule)]
    several = int(np.count_nonzero(np.bincount(groups, minlength=len(genes)) > 1)) if len(genes) else 0
    mapping.report.collapse = CollapseRecord(
        unit=unit,
        rule=rule,
        features_in=len(mapping),
        features_used=len(used),
        genes_out=len(genes),
        genes_from_several_features=several,
    )
    log.info(
        "collapsed %d features to %d genes by %s (%d genes from several features)",
        len(mapping),
        len(genes),
        rule,
        several,
    )
    return CollapsePlan(rule=rule, gene_ids=[str(g) for g in genes], used=used, groups=groups, picks=picks)


def collapse_to_genes(
    matrix: ExpressionMatrix, mapping: GeneMapping, unit: str | _HasUnit, *, is_log: bool | None = None
) -> ExpressionMatrix:
    """Rows of ``matrix`` (features in ``mapping`` order) → one column per Ensembl gene, sorted by ID.

    ``unit`` is a unit name or a unit call (anything with ``.unit`` and ``.is_log``). The rule and its
    counts are recorded in ``mapping.report.collapse``. (A matrix too large for memory goes through
    :func:`plan_collapse` and :meth:`CollapsePlan.apply` one chunk of samples at a time.)
    """
    if len(mapping) != len(matrix.feature_ids):
        raise ValueError(f"mapping has {len(mapping)} rows but the matrix has {len(matrix.feature_ids)} features")
    stats = FeatureStats.of([matrix.values], len(matrix.feature_ids))
    plan = plan_collapse(mapping, unit, stats, is_log=is_log)
    source = matrix.source.model_copy(update={"feature_id_kind": "ensembl", "n_features": len(plan.gene_ids)})
    return ExpressionMatrix(
        source=source,
        sample_accessions=list(matrix.sample_accessions),
        feature_ids=plan.gene_ids,
        values=plan.apply(matrix.values),
    )
