"""Property tests: matrices generated in every unit, with realistic noise, are called right."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rnacorpus.harmonize.units import detect_units_in_values
from tests.harmonize.unit_matrices import GENERATORS, MATRIX_GENERATORS, Profile, draw


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(GENERATORS)),
    seed=st.integers(0, 2**32 - 1),
    n_genes=st.integers(2_000, 25_000),
    n_samples=st.integers(1, 4),
    missing=st.floats(0.0, 0.02),
)
# a centred column whose one outlying minimum the subsample scaled to "three values at a log floor"
@example(kind="centered", seed=4409, n_genes=16663, n_samples=2, missing=0.0)
# one sample whose top gene (18% of its reads) is a missing cell: the sum falls to 8.2e5, the grid stays
@example(kind="cpm", seed=73380325, n_genes=3734, n_samples=1, missing=0.015625)
# natural-log counts whose one column, undone as log2, sums to ~1e6 by chance: integers under ln win
@example(kind="ln_counts", seed=3917467786, n_genes=24596, n_samples=4, missing=0.014827705165732272)
# FPKM of a shallow library with under 1% zeros: its exact zeros, not a 1% quantile below 0.05, say RNA-seq
@example(kind="fpkm", seed=955379314, n_genes=3704, n_samples=2, missing=0.01849)
def test_generated_units_are_detected(kind: str, seed: int, n_genes: int, n_samples: int, missing: float) -> None:
    values, unit, is_log = draw(kind, seed, n_genes, n_samples, missing)
    calls = detect_units_in_values(values, [f"S{i}" for i in range(n_samples)])
    for call in calls:
        assert (call.unit, call.is_log) == (unit, is_log), call.evidence
        assert 0 < call.confidence <= 1 and call.evidence


def test_every_unit_in_many_draws() -> None:
    rng = np.random.default_rng(20240601)
    for kind, (generate, unit, is_log) in GENERATORS.items():
        for _ in range(15):
            profile = Profile(rng, int(rng.integers(3_000, 30_000)))
            values = generate(rng, profile)[None, :].astype(np.float32)
            call = detect_units_in_values(values, ["s"])[0]
            assert (call.unit, call.is_log) == (unit, is_log), (kind, call.evidence)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(MATRIX_GENERATORS)),
    seed=st.integers(0, 2**32 - 1),
    n_genes=st.integers(2_000, 25_000),
    n_samples=st.integers(3, 16),
    missing=st.floats(0.0, 0.05),
)
def test_matrices_centred_per_gene_are_centered_in_every_column(
    kind: str, seed: int, n_genes: int, n_samples: int, missing: float
) -> None:
    values, _, _ = draw(kind, seed, n_genes, n_samples, missing)
    for call in detect_units_in_values(values, [f"S{i}" for i in range(n_samples)]):
        assert (call.unit, call.is_log) == ("centered", True), call.evidence


def test_every_matrix_transformation_in_many_draws() -> None:
    rng = np.random.default_rng(20260101)
    for kind, generate in MATRIX_GENERATORS.items():
        for _ in range(6):
            n_samples = int(rng.integers(3, 24))
            values = generate(rng, Profile(rng, int(rng.integers(3_000, 30_000))), n_samples).astype(np.float32)
            calls = detect_units_in_values(values, [f"S{i}" for i in range(n_samples)])
            assert {(c.unit, c.is_log) for c in calls} == {("centered", True)}, (kind, calls[0].evidence)


def test_labels_choose_among_what_the_numbers_allow_and_lose_against_them() -> None:
    rng = np.random.default_rng(7)
    profile = Profile(rng, 20_000)
    tpm = GENERATORS["tpm"][0](rng, profile)[None, :].astype(np.float32)
    assert detect_units_in_values(tpm, ["s"], label_evidence=["x_CPM.tsv"])[0].unit == "cpm"
    labelled = detect_units_in_values(tpm, ["s"], label_evidence=["GSE1_norm_counts_TPM_GRCh38.p13_NCBI.tsv.gz"])[0]
    assert labelled.unit == "tpm" and labelled.confidence >= 0.95
    counts = GENERATORS["counts"][0](rng, profile)[None, :].astype(np.float32)
    wrong = detect_units_in_values(counts, ["s"], label_evidence=["RMA signal"])[0]
    assert wrong.unit == "counts" and wrong.confidence < 0.9 and "numbers win" in wrong.evidence
    fpkm = GENERATORS["fpkm"][0](rng, profile)[None, :].astype(np.float32)
    assert detect_units_in_values(fpkm, ["s"], label_evidence=["MAS5 signal"])[0].unit == "linear_intensity"


def test_too_few_values_is_unknown() -> None:
    call = detect_units_in_values(np.array([[1.0, np.nan]], dtype=np.float32), ["s"])[0]
    assert (call.unit, call.is_log, call.confidence) == ("unknown", False, 0.0)
