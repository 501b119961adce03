"""The unit statistics' subsample of a float32 block is sorted as float32 when it holds no zero: the
result must be the float64 sort's bit for bit (float32 → float64 is exact and keeps the order; equal
non-zero values are the same bits), and a block with a zero of either sign takes the float64 sort
itself (which of -0.0 and 0.0 comes first is the sorting routine's choice)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnacorpus.harmonize.units.stats import _sorted_subsample, block_stats

_NONZERO = st.floats(-1e6, 1e6, width=32, allow_subnormal=False).filter(lambda x: x != 0)
_CELLS = st.one_of(
    _NONZERO,
    st.sampled_from([1.0, -1.0, 1e-6, 3.5, 7.25, 1e-38, -1e-38, 1.5e-45]),  # ties, a denormal
    st.sampled_from([np.nan, np.inf, -np.inf]),
)
_ZEROS = st.sampled_from([0.0, -0.0])


def _float64_sort(strided: npt.NDArray[np.floating], non_finite: bool) -> npt.NDArray[np.float64]:
    """What block_stats did before: the subsample as float64, non-finite as NaN, sorted."""
    picked = np.array(strided, dtype=np.float64)
    if non_finite:
        picked[~np.isfinite(picked)] = np.nan
    picked.sort(axis=1)
    return picked


def _same_bits(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a.view(np.uint64), b.view(np.uint64)))


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(
    arrays(np.float32, st.tuples(st.integers(1, 3), st.integers(1, 300)), elements=_CELLS),
    st.integers(1, 9),
    st.booleans(),
)
def test_a_block_without_zeros_sorts_as_float32_to_the_float64_sort(
    block: npt.NDArray[np.float32], stride: int, with_zero: bool
) -> None:
    if with_zero:  # the float64 sort itself: the same bits whatever the zeros' signs
        block = block.copy()
        block[0, 0] = -0.0
        block[-1, -1] = 0.0
    strided = block[:, ::stride]
    non_finite = not bool(np.isfinite(block).all())
    assert _same_bits(_sorted_subsample(strided, non_finite), _float64_sort(strided, non_finite))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(8_193, 60_000), st.sampled_from([0.0, 0.001, 0.3]), st.booleans())
def test_long_rows_take_the_subsample_the_stride_picks(seed: int, width: int, missing: float, zeros: bool) -> None:
    """Rows longer than the subsample (MAS5-like values, ties, missing cells, zeros of both signs or
    none): block_stats' subsample is the float64 sort of the strided finite values, bit for bit."""
    rng = np.random.default_rng(seed)
    row = np.round(np.exp(rng.normal(6, 2, width)), 1).astype(np.float32)
    row[rng.random(width) < missing] = np.nan
    if zeros:
        row[rng.integers(0, width, 20)] = rng.choice(np.array([0.0, -0.0], np.float32), 20)
    (stats,) = block_stats(row[np.newaxis])
    stride = -(-width // 8_192)
    reference = _float64_sort(row[np.newaxis, ::stride], not bool(np.isfinite(row).all()))[0]
    assert _same_bits(stats.sample, reference[~np.isnan(reference)])
