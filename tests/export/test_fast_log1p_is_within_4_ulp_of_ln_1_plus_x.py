"""``fast_log1p`` (the correction form the export's log1p rules use) is within
:data:`~rnacorpus.catalog.fast_log1p.MAX_ULP` (4) float32 ulp of ln(1 + x), computed in float64 by
numpy: over a dense sweep of float32 bit patterns — every 97th in [0, inf), every 89th in (−1, 0) —
and over lognormal values the size of expression data (per-million values and raw counts)."""

from __future__ import annotations

import numpy as np
import pytest

from rnacorpus.catalog.fast_log1p import MAX_ULP, fast_log1p

#: bit patterns per checked slice (bounds the test's memory: ~10 float64 arrays of this length)
_SLICE = 1 << 21


def worst_ulp(x: np.ndarray) -> float:
    """The largest error of ``fast_log1p(x)``, in float32 ulp of the float64 ln(1 + x)."""
    exact = np.log1p(x.astype(np.float64))
    got = fast_log1p(x).astype(np.float64)
    assert np.array_equal(np.isnan(got), np.isnan(exact))
    finite = np.isfinite(exact)
    ulp = np.spacing(np.abs(exact[finite]).astype(np.float32)).astype(np.float64)
    return float((np.abs(got[finite] - exact[finite]) / ulp).max(initial=0.0))


@pytest.mark.parametrize(
    ("first", "last", "step"),
    [(0x00000000, 0x7F800000, 97), (0x80000001, 0xBF800000, 89)],
    ids=["zero to inf", "minus one to zero"],
)
def test_a_dense_sweep_of_bit_patterns_is_within_the_bound(first: int, last: int, step: int) -> None:
    worst = 0.0
    for start in range(first, last, step * _SLICE):
        bits = np.arange(start, min(start + step * _SLICE, last), step, dtype=np.uint64).astype(np.uint32)
        worst = max(worst, worst_ulp(bits.view(np.float32)))
    assert worst <= MAX_ULP
    assert worst > 1.0  # the check can fail: the form is not correctly rounded (numpy's log1p is 0.8)


@pytest.mark.parametrize(("mean", "sigma"), [(0.0, 3.0), (2.0, 2.0), (8.0, 4.0)])
def test_lognormal_values_are_within_the_bound(mean: float, sigma: float) -> None:
    x = np.random.default_rng(int(mean * 10 + sigma)).lognormal(mean, sigma, 1_000_000).astype(np.float32)
    assert worst_ulp(x) <= MAX_ULP


def test_most_values_have_numpys_bits() -> None:
    """Not a bound the export needs, but what the manifest's change of implementation costs: most
    values are bit for bit what ``np.log1p`` gives."""
    x = np.random.default_rng(5).lognormal(2.0, 2.0, 200_000).astype(np.float32)
    same = np.mean(fast_log1p(x).view(np.uint32) == np.log1p(x).view(np.uint32))
    assert same > 0.85
