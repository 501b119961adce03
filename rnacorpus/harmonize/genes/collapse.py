"""Many features → one gene, by a rule chosen from the unit and recorded with the shard.

* additive linear units (counts, CPM, TPM, FPKM) — **sum**: reads and abundances of several rows
  of one gene add up (NaN ignored, all-NaN stays NaN);
* log-scale values, array intensities and unknown units — **max_mean**: the feature with the
  highest mean over the shard's samples stands for the gene, values unchanged (WGCNA's
  ``collapseRows`` "MaxMean", recommended for probe → gene by Miller et al. 2011); summing logs
  or intensities of different probes would be arithmetic without a meaning;
* centred / z-scored values — **max_variance**: their means are ~0 by construction, so the most
  variable feature represents the gene.

Unmapped, ambiguous and dropped features are left out; the report says how many.
"""

from __future__ import annotations

import logging
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from rnacorpus.harmonize.genes.mapping import CollapseRecord, GeneMapping
from rnacorpus.schemas.bundle import ExpressionMatrix

__all__ = ["ADDITIVE_UNITS", "collapse_rule", "collapse_to_genes"]

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
    values: npt.NDArray[np.float32], groups: npt.NDArray[np.int64], score_kind: str
) -> npt.NDArray[np.int64]:
    """Index of the feature that stands for each gene (highest mean or variance; ties → first)."""
    with np.errstate(all="ignore"):
        finite = ~np.isnan(values)
        counts = finite.sum(axis=0)
        sums = np.where(finite, values, 0.0).astype(np.float64).sum(axis=0)
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), -np.inf)
        if score_kind == "max_variance":
            sq = np.where(finite, values.astype(np.float64) ** 2, 0.0).sum(axis=0)
            score = np.where(counts > 0, sq / np.maximum(counts, 1) - mean**2, -np.inf)
        else:
            score = mean
    position = np.arange(values.shape[1])
    order = np.lexsort((position, -score, groups))
    first = np.r_[True, np.diff(groups[order]) != 0]
    return np.asarray(order[first], dtype=np.int64)


def collapse_to_genes(
    matrix: ExpressionMatrix, mapping: GeneMapping, unit: str | _HasUnit, *, is_log: bool | None = None
) -> ExpressionMatrix:
    """Rows of ``matrix`` (features in ``mapping`` order) → one column per Ensembl gene, sorted by ID.

    ``unit`` is a unit name or a unit call (anything with ``.unit`` and ``.is_log``). The rule and its
    counts are recorded in ``mapping.report.collapse``.
    """
    if not isinstance(unit, str):
        is_log = unit.is_log if is_log is None else is_log
        unit = unit.unit
    if len(mapping) != len(matrix.feature_ids):
        raise ValueError(f"mapping has {len(mapping)} rows but the matrix has {len(matrix.feature_ids)} features")
    rule = collapse_rule(unit, is_log=bool(is_log))
    ensembl = np.asarray(mapping.table["ensembl_id"].to_pylist(), dtype=object)
    used = np.flatnonzero(pd.notna(ensembl))
    genes, groups = np.unique(ensembl[used].astype(str), return_inverse=True)
    groups = groups.astype(np.int64)
    values = matrix.values[:, used]
    if not len(genes):
        collapsed = np.zeros((values.shape[0], 0), dtype=np.float32)
    elif rule == "sum":
        collapsed = _sum(values, groups, len(genes))
    else:
        collapsed = values[:, _representatives(values, groups, rule)]
    several = int(np.count_nonzero(np.bincount(groups, minlength=len(genes)) > 1)) if len(genes) else 0
    mapping.report.collapse = CollapseRecord(
        unit=unit,
        rule=rule,
        features_in=len(matrix.feature_ids),
        features_used=len(used),
        genes_out=len(genes),
        genes_from_several_features=several,
    )
    log.info(
        "collapsed %d features to %d genes by %s (%d genes from several features)",
        len(matrix.feature_ids),
        len(genes),
        rule,
        several,
    )
    source = matrix.source.model_copy(update={"feature_id_kind": "ensembl", "n_features": len(genes)})
    return ExpressionMatrix(
        source=source,
        sample_accessions=list(matrix.sample_accessions),
        feature_ids=[str(g) for g in genes],
        values=np.ascontiguousarray(collapsed, np.float32),
    )
