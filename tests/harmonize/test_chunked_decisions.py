"""Unit calls and the probe → gene collapse come out the same whether a matrix is seen whole or a
chunk of samples at a time (how a spooled matrix is read)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.harmonize.feature_stats import FeatureStats
from rnacorpus.harmonize.genes import collapse_to_genes, map_identifiers, plan_collapse
from rnacorpus.harmonize.units import detect_units_in_values
from rnacorpus.schemas import ExpressionMatrix, ExpressionSource


def _blocks(values: np.ndarray, size: int) -> list[np.ndarray]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def _matrix(seed: int, n_samples: int, n_features: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.round(rng.lognormal(4, 2, size=(n_samples, n_features)), 2).astype(np.float32)
    values[rng.random(values.shape) < missing] = np.nan
    return values


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_samples=st.integers(1, 30),
    n_features=st.integers(1, 40),
    missing=st.sampled_from([0.0, 0.1, 0.6, 1.0]),
    size=st.integers(1, 31),
)
def test_feature_statistics_do_not_depend_on_the_chunking(
    seed: int, n_samples: int, n_features: int, missing: float, size: int
) -> None:
    values = _matrix(seed, n_samples, n_features, missing)
    whole = FeatureStats.of([values], n_features)
    chunked = FeatureStats.of(_blocks(values, size), n_features)
    for name in ("count", "total", "total_sq", "first_present"):
        np.testing.assert_array_equal(getattr(whole, name), getattr(chunked, name))  # bit for bit
    present = ~np.isnan(values)
    # the sums are added sample after sample; the first present value is the first sample's that has it
    total = np.zeros(n_features)
    for row in np.where(present, values, 0.0).astype(np.float64):
        total += row
    np.testing.assert_array_equal(whole.total, total)
    for j in range(n_features):
        rows = np.flatnonzero(present[:, j])
        assert (np.isnan(whole.first_present[j]) and not len(rows)) or whole.first_present[j] == values[rows[0], j]


def test_unit_calls_per_chunk_equal_the_calls_on_the_whole_matrix() -> None:
    # TPM columns whose later samples lost their top genes: the missing cells must be filled from
    # the whole matrix's first sample that has them (in an earlier chunk), not from the chunk's own
    rng = np.random.default_rng(3)
    base = rng.negative_binomial(1, 0.02, size=3000).astype(np.float64)
    base[:10] *= 300
    rate = base * rng.uniform(0.9, 1.1, size=(20, 3000)) / rng.uniform(500, 5000, 3000)
    cpm = (rate / rate.sum(axis=1, keepdims=True) * 1e6).astype(np.float32)
    cpm[5:, :10] = np.nan
    names = [f"GSM{k}" for k in range(20)]
    whole = detect_units_in_values(cpm, names, label_evidence=["GSE1_family.soft.gz"])
    stats = FeatureStats.of(_blocks(cpm, 6), cpm.shape[1])
    chunked = []
    for start in range(0, 20, 6):
        chunked += detect_units_in_values(
            cpm[start : start + 6],
            names[start : start + 6],
            label_evidence=["GSE1_family.soft.gz"],
            fill_values=stats.first_present,
        )
    assert chunked == whole
    assert any("filled from other samples" in call.evidence for call in whole)


@pytest.mark.parametrize("unit", ["counts", "log2_intensity", "centered"])
def test_a_collapse_applied_per_chunk_equals_the_collapse_of_the_whole_matrix(unit: str) -> None:
    ids = ["TP53", "ENSG00000141510", "7157", "ACTB", "60", "GAPDH", "nonsense", "ERCC-00002", "TP53"]
    values = _matrix(11, 25, len(ids), 0.2)
    if unit == "centered":
        values = values - np.nanmean(values, axis=0)
    source = ExpressionSource(study_accession="GSE1", kind="supplementary", file="x.tsv")
    matrix = ExpressionMatrix(source, [f"GSM{k}" for k in range(25)], ids, values)
    whole = collapse_to_genes(matrix, map_identifiers(ids, "human"), unit)
    plan = plan_collapse(map_identifiers(ids, "human"), unit, FeatureStats.of(_blocks(values, 4), len(ids)))
    assert plan.gene_ids == whole.feature_ids and len(plan.gene_ids) == 3
    np.testing.assert_array_equal(np.vstack([plan.apply(block) for block in _blocks(values, 4)]), whole.values)
