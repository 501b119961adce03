"""A TPM or CPM column whose empty cells took a top gene (a tenth or a fifth of the library) falls short
of 1e6 by more than the share of empty cells explains; in a matrix whose other columns are per-million
it is per-million too when the other samples show those features can make up the rest. An FPKM
matrix's columns are not asked to reach a sum they never had."""

from __future__ import annotations

import numpy as np
import pytest

from rnacorpus.harmonize.feature_stats import FeatureStats
from rnacorpus.harmonize.units import detect_units_in_values
from rnacorpus.harmonize.units.detect import detect_units_from_evidence
from rnacorpus.harmonize.units.row_evidence import row_evidence
from tests.harmonize.unit_matrices import draw

# seen called log FPKM: the last column's empty cells held 7.5%, 9.9% and 22% of its library
SHORT = [
    ("ln_tpm", 2014448371, 8476, 0.0043268381314699325),
    ("log2_tpm", 3227862849, 3811, 0.006833082578818997),
    ("log2_tpm_2dp", 3316173504, 4304, 0.019931606772154047),
]


@pytest.mark.parametrize(("kind", "seed", "n_genes", "missing"), SHORT)
def test_a_column_short_by_an_empty_top_gene_is_per_million(kind: str, seed: int, n_genes: int, missing: float) -> None:
    values, unit, is_log = draw(kind, seed, n_genes, 4, missing)
    names = [f"S{i}" for i in range(4)]
    calls = detect_units_in_values(values, names)
    assert {(c.unit, c.is_log) for c in calls} == {(unit, is_log)} == {("tpm", True)}
    assert any("short of 1e6 by no more than the empty cells hold" in c.evidence for c in calls)
    # the parse-time path (row evidence and the matrix's feature statistics) makes the same calls
    stats = FeatureStats.of([values], values.shape[1])
    evidence = [row_evidence(row) for row in values]
    assert detect_units_from_evidence(evidence, names, stats, values.__getitem__) == calls


def test_an_fpkm_matrix_short_of_a_million_stays_fpkm() -> None:
    values, _, _ = draw("fpkm", 11, 6_000, 4)
    values *= 9.6e5 / np.nansum(values, axis=1, keepdims=True)  # FPKM columns that sum to 0.96e6
    top = np.argsort(values[3])[-2:]
    values[3, top] = np.nan  # the last column loses its two top genes (7% of its sum)
    calls = detect_units_in_values(values, [f"S{i}" for i in range(4)])
    # what the other samples hold for those genes would make up the rest: only the siblings' unit says no
    assert {(c.unit, c.is_log) for c in calls} == {("fpkm", False)}, [c.evidence for c in calls]
