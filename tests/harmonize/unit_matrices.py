"""Expression matrices generated in every unit GEO series carry, with realistic noise: the property
tests of unit detection, their explicit regression draws and ``benchmarks/bench_units_detection.py``
draw from here, so that a failing draw can be replayed by its parameters anywhere.

:func:`draw` makes one study's matrix (samples × genes, float32, some cells left empty) from
``kind`` (a per-sample generator of :data:`GENERATORS` or a whole-matrix one of
:data:`MATRIX_GENERATORS`), a seed and the study's shape. Two knobs reach the edges the defaults do
not: ``depth`` scales every library (0.05: a few thousand reads; 100: tens of millions) and
``shift`` moves every gene's log abundance (−3: most genes without reads, heavy zeros). With the
defaults a draw is the one the property tests have always made for the same parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]


class Profile:
    """What the samples of one study share: each gene's typical abundance and length.

    Real matrices are made of related samples (same genes high, same genes low); samples differ by
    sequencing depth and biological noise. A matrix of unrelated random profiles is not realistic,
    and it hides what a study-level check may rely on (a gene missing in one sample is present in
    its neighbours).
    """

    def __init__(self, rng: np.random.Generator, n: int, *, depth: float = 1.0, shift: float = 0.0) -> None:
        # log-normal gene means (sd 1.5–2.2 on the log scale: no single gene takes most of the reads)
        self.log_mean = rng.normal(rng.uniform(0.5, 3.0), rng.uniform(1.5, 2.2), n) + shift
        self.lengths = rng.uniform(300, 12000, n)
        self.intensity = rng.normal(rng.uniform(4, 6), rng.uniform(1.2, 2.0), n)
        self.n = n
        #: every library's size is scaled by this (sequencing depth of the whole study)
        self.depth = depth


def _counts(rng: np.random.Generator, p: Profile) -> Vector:
    depth = rng.uniform(0.3, 3.0) * p.depth
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
    """z-scores per gene over the samples that have a value (a gene that never varies is written as 0)."""
    present = ~np.isnan(matrix)
    n = np.maximum(present.sum(axis=0), 1)
    mean = np.where(present, matrix, 0.0).sum(axis=0) / n
    sd = np.sqrt(np.where(present, (matrix - mean) ** 2, 0.0).sum(axis=0) / n)
    z = (matrix - mean) / np.where(sd > 0, sd, 1)
    return np.where(sd > 0, z, np.where(present, 0.0, np.nan))


def _gene_centred(matrix: Vector) -> Vector:
    """Each gene minus its mean over the samples that have a value."""
    present = ~np.isnan(matrix)
    return matrix - np.where(present, matrix, 0.0).sum(axis=0) / np.maximum(present.sum(axis=0), 1)


@dataclass(frozen=True)
class WholeMatrix:
    """Samples drawn one by one, then transformed per gene over the whole matrix: as a depositor's
    script does it, over the values present (cells already empty stay empty)."""

    samples: Generator
    transform: Callable[[Vector], Vector]

    def __call__(self, rng: np.random.Generator, p: Profile, n: int) -> Vector:
        return self.transform(self.draw_samples(rng, p, n))

    def draw_samples(self, rng: np.random.Generator, p: Profile, n: int) -> Vector:
        return np.vstack([self.samples(rng, p) for _ in range(n)])


def _log2p(matrix: Vector) -> Vector:
    return np.log2(matrix + 1)


#: whole-matrix transformations: one column alone cannot show them (z-scores of genes with many
#: zeros leave a floor in every column); all are ``centered``
MATRIX_GENERATORS: dict[str, WholeMatrix] = {
    "z_log_counts": WholeMatrix(_counts, lambda m: _per_gene_z(_log2p(m))),
    "z_counts": WholeMatrix(_counts, _per_gene_z),
    "z_rma": WholeMatrix(_rma, _per_gene_z),
    "centred_log_tpm": WholeMatrix(_tpm, lambda m: _gene_centred(_log2p(m))),
    "centred_rma": WholeMatrix(_rma, _gene_centred),
    "z_log_fpkm_2dp": WholeMatrix(_fpkm, lambda m: np.round(_per_gene_z(_log2p(m)), 2)),
}


def draw(
    kind: str,
    seed: int,
    n_genes: int,
    n_samples: int,
    missing: float = 0.0,
    *,
    depth: float = 1.0,
    shift: float = 0.0,
) -> tuple[npt.NDArray[np.float32], str, bool]:
    """One study's matrix of ``kind`` (samples × genes, float32; a share ``missing`` of its cells
    left empty), with the unit and log flag it is in. A whole-matrix kind's cells are emptied before
    its per-gene transform, which works over the values present."""
    rng = np.random.default_rng(seed)
    profile = Profile(rng, n_genes, depth=depth, shift=shift)
    if kind in MATRIX_GENERATORS:
        whole = MATRIX_GENERATORS[kind]
        samples = whole.draw_samples(rng, profile, n_samples)
        samples[rng.random(samples.shape) < missing] = np.nan  # empty before the centring, which skips them
        return whole.transform(samples).astype(np.float32), "centered", True
    generate, unit, is_log = GENERATORS[kind]
    values = np.vstack([generate(rng, profile) for _ in range(n_samples)]).astype(np.float32)
    values[rng.random(values.shape) < missing] = np.nan  # cells a file left empty
    return values, unit, is_log
