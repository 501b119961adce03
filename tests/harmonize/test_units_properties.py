"""Property tests: matrices generated in every unit, with realistic noise, are called right."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rnacorpus.harmonize.units import detect_units_in_values

Vector = npt.NDArray[np.float64]


class Profile:
    """What the samples of one study share: each gene's typical abundance and length.

    Real matrices are made of related samples (same genes high, same genes low); samples differ by
    sequencing depth and biological noise. A matrix of unrelated random profiles is not realistic,
    and it hides what a study-level check may rely on (a gene missing in one sample is present in
    its neighbours).
    """

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        # log-normal gene means (sd 1.5–2.2 on the log scale: no single gene takes most of the reads)
        self.log_mean = rng.normal(rng.uniform(0.5, 3.0), rng.uniform(1.5, 2.2), n)
        self.lengths = rng.uniform(300, 12000, n)
        self.intensity = rng.normal(rng.uniform(4, 6), rng.uniform(1.2, 2.0), n)
        self.n = n


def _counts(rng: np.random.Generator, p: Profile) -> Vector:
    depth = rng.uniform(0.3, 3.0)
    mean = np.exp(p.log_mean + rng.normal(0, 0.3, p.n)) * depth
    return rng.negative_binomial(5, 5 / (5 + mean)).astype(np.float64)


def _tpm(rng: np.random.Generator, p: Profile) -> Vector:
    rate = _counts(rng, p) / p.lengths
    return rate / rate.sum() * 1e6


def _cpm(rng: np.random.Generator, p: Profile) -> Vector:
    counts = _counts(rng, p)
    while abs(counts.sum() / 1e6 - 1) < 0.05:
        # a library of 1e6 reads makes CPM the counts themselves: rounded to a few decimals, no
        # file can tell them apart (the call then names both); draw another depth
        counts = _counts(rng, p)
    return counts / counts.sum() * 1e6


def _fpkm(rng: np.random.Generator, p: Profile) -> Vector:
    counts = _counts(rng, p)
    return counts / (p.lengths / 1e3) / (counts.sum() / 1e6)


def _rma(rng: np.random.Generator, p: Profile) -> Vector:
    scale = rng.uniform(1.2, 2.5) / 1.6
    return np.clip(rng.uniform(5, 8) + (p.intensity - p.intensity.mean()) * scale + rng.normal(0, 0.3, p.n), 1.5, 16)


def _mas5(rng: np.random.Generator, p: Profile) -> Vector:
    return np.exp(p.intensity + rng.normal(0, 0.3, p.n)) + rng.uniform(0.05, 3, p.n)


def _centered(rng: np.random.Generator, p: Profile) -> Vector:
    values = rng.normal(0, rng.uniform(0.3, 2.0), p.n) + rng.standard_t(3, p.n) * 0.2
    return values - np.median(values)


def _rounded(generate: Generator, decimals: int) -> Generator:
    """Values as a file writes them with a few decimals (``7.13``)."""
    return lambda rng, p: np.round(generate(rng, p), decimals)


def _logged(generate: Generator, log: Callable[[Vector], Vector], pseudo: float = 1.0) -> Generator:
    return lambda rng, p: log(generate(rng, p) + pseudo)


Generator = Callable[[np.random.Generator, Profile], Vector]
GENERATORS: dict[str, tuple[Generator, str, bool]] = {
    "counts": (_counts, "counts", False),
    "tpm": (_tpm, "tpm", False),
    "cpm": (_cpm, "cpm", False),
    "fpkm": (_fpkm, "fpkm", False),
    "rma": (_rma, "log2_intensity", True),
    "mas5": (_mas5, "linear_intensity", False),
    "log2_mas5": (lambda r, p: np.log2(_mas5(r, p)), "log2_intensity", True),
    "centered": (_centered, "centered", True),
    "log2_counts": (lambda r, p: np.log2(_counts(r, p) + 1), "counts", True),
    "log2_tpm": (lambda r, p: np.log2(_tpm(r, p) + 1), "tpm", True),
    "log2_cpm": (lambda r, p: np.log2(_cpm(r, p) + 1), "cpm", True),
    "ln_tpm": (lambda r, p: np.log(_tpm(r, p) + 1), "tpm", True),
    "log2_fpkm": (lambda r, p: np.log2(_fpkm(r, p) + 1), "fpkm", True),
    # other logs of counts, and values written with few decimals
    "log10_counts": (_logged(_counts, np.log10), "counts", True),
    "ln_counts": (_logged(_counts, np.log), "counts", True),
    "log2_counts_half": (_logged(_counts, np.log2, 0.5), "counts", True),
    "log2_counts_2dp": (_rounded(_logged(_counts, np.log2), 2), "counts", True),
    "log2_counts_3dp": (_rounded(_logged(_counts, np.log2), 3), "counts", True),
    "log2_cpm_2dp": (_rounded(_logged(_cpm, np.log2), 2), "cpm", True),
    "log2_tpm_2dp": (_rounded(_logged(_tpm, np.log2), 2), "tpm", True),
    "log10_tpm": (_logged(_tpm, np.log10), "tpm", True),
    "log2_fpkm_2dp": (_rounded(_logged(_fpkm, np.log2), 2), "fpkm", True),
    "tpm_2dp": (_rounded(_tpm, 2), "tpm", False),
    "fpkm_2dp": (_rounded(_fpkm, 2), "fpkm", False),
    "rma_3dp": (_rounded(_rma, 3), "log2_intensity", True),
}


def _per_gene_z(matrix: Vector) -> Vector:
    """z-scores per gene over the samples (a gene that never varies is written as 0)."""
    sd = matrix.std(axis=0)
    z = (matrix - matrix.mean(axis=0)) / np.where(sd > 0, sd, 1)
    return np.where(sd > 0, z, 0.0)


def _gene_centred(matrix: Vector) -> Vector:
    return matrix - matrix.mean(axis=0)


MatrixGenerator = Callable[[np.random.Generator, Profile, int], Vector]


def _samples(generate: Generator) -> Callable[[np.random.Generator, Profile, int], Vector]:
    return lambda rng, p, n: np.vstack([generate(rng, p) for _ in range(n)])


#: whole-matrix transformations: one column alone cannot show them (z-scores of genes with many
#: zeros leave a floor in every column); all are ``centered``
MATRIX_GENERATORS: dict[str, MatrixGenerator] = {
    "z_log_counts": lambda r, p, n: _per_gene_z(np.log2(_samples(_counts)(r, p, n) + 1)),
    "z_counts": lambda r, p, n: _per_gene_z(_samples(_counts)(r, p, n)),
    "z_rma": lambda r, p, n: _per_gene_z(_samples(_rma)(r, p, n)),
    "centred_log_tpm": lambda r, p, n: _gene_centred(np.log2(_samples(_tpm)(r, p, n) + 1)),
    "centred_rma": lambda r, p, n: _gene_centred(_samples(_rma)(r, p, n)),
    "z_log_fpkm_2dp": lambda r, p, n: np.round(_per_gene_z(np.log2(_samples(_fpkm)(r, p, n) + 1)), 2),
}


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
def test_generated_units_are_detected(kind: str, seed: int, n_genes: int, n_samples: int, missing: float) -> None:
    generate, unit, is_log = GENERATORS[kind]
    rng = np.random.default_rng(seed)
    profile = Profile(rng, n_genes)
    values = np.vstack([generate(rng, profile) for _ in range(n_samples)]).astype(np.float32)
    values[rng.random(values.shape) < missing] = np.nan  # cells a file left empty
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
)
def test_matrices_centred_per_gene_are_centered_in_every_column(
    kind: str, seed: int, n_genes: int, n_samples: int
) -> None:
    rng = np.random.default_rng(seed)
    values = MATRIX_GENERATORS[kind](rng, Profile(rng, n_genes), n_samples).astype(np.float32)
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
    tpm = _tpm(rng, profile)[None, :].astype(np.float32)
    assert detect_units_in_values(tpm, ["s"], label_evidence=["x_CPM.tsv"])[0].unit == "cpm"
    labelled = detect_units_in_values(tpm, ["s"], label_evidence=["GSE1_norm_counts_TPM_GRCh38.p13_NCBI.tsv.gz"])[0]
    assert labelled.unit == "tpm" and labelled.confidence >= 0.95
    counts = _counts(rng, profile)[None, :].astype(np.float32)
    wrong = detect_units_in_values(counts, ["s"], label_evidence=["RMA signal"])[0]
    assert wrong.unit == "counts" and wrong.confidence < 0.9 and "numbers win" in wrong.evidence
    fpkm = _fpkm(rng, profile)[None, :].astype(np.float32)
    assert detect_units_in_values(fpkm, ["s"], label_evidence=["MAS5 signal"])[0].unit == "linear_intensity"


def test_too_few_values_is_unknown() -> None:
    call = detect_units_in_values(np.array([[1.0, np.nan]], dtype=np.float32), ["s"])[0]
    assert (call.unit, call.is_log, call.confidence) == ("unknown", False, 0.0)
