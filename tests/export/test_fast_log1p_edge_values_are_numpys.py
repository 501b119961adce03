"""``fast_log1p`` at the edges: 0, tiny and subnormal x (exactly x), +inf, −1 (−inf), below −1, −inf and
NaN (NaN) — what ``np.log1p`` gives, quietly (no floating-point warnings), wherever the edge value
sits in an array (the inf repair must touch only its own cells); the largest floats and x near −1
within the bound; −0 comes out +0."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from rnacorpus.catalog.fast_log1p import BLOCK_VALUES, MAX_ULP, Log1pScratch, fast_log1p, log1p_into
from tests.export.test_fast_log1p_is_within_4_ulp_of_ln_1_plus_x import worst_ulp

F32 = np.finfo(np.float32)
#: results that are exact: x itself, ±inf or NaN
EDGES = np.array(
    [0.0, 1e-45, F32.smallest_subnormal * 1000, F32.smallest_normal, 1e-30, 2.0**-25, -(2.0**-30), np.inf, -1.0,
     -2.0, -np.inf, np.nan, -F32.max],
    dtype=np.float32,
)  # fmt: skip
#: results within the bound: the largest floats (u = x), x next to −1 (u tiny but exact), −1/2
NEAR = np.array([F32.max, np.nextafter(F32.max, 0), 1e30, 2.0**24, -0.5, -(1.0 - 2.0**-24), -0.999], np.float32)


def quiet_fast_log1p(x: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fast_log1p(x)


def test_edge_values_are_what_numpy_gives() -> None:
    with np.errstate(all="ignore"):
        expected = np.log1p(EDGES)
    got = quiet_fast_log1p(EDGES)
    assert np.array_equal(got, expected, equal_nan=True), list(zip(EDGES, got, expected, strict=True))
    assert np.all(np.isfinite(quiet_fast_log1p(NEAR))) and worst_ulp(NEAR) <= MAX_ULP


def test_tiny_and_subnormal_values_come_back_exactly() -> None:
    tiny = np.arange(1, 1 << 16, 7, dtype=np.uint32).view(np.float32)  # subnormals
    tiny = np.concatenate([tiny, np.float32(2.0**-25) * np.linspace(0.5, 1, 1000, dtype=np.float32)])
    assert np.array_equal(quiet_fast_log1p(tiny).view(np.uint32), tiny.view(np.uint32))
    assert np.array_equal(quiet_fast_log1p(-tiny).view(np.uint32), (-tiny).view(np.uint32))


def test_zero_is_zero_and_minus_zero_is_zero() -> None:
    got = quiet_fast_log1p(np.array([0.0, -0.0], dtype=np.float32))
    assert got.tolist() == [0.0, 0.0] and not np.signbit(got[0])


@pytest.mark.parametrize("edge", [np.inf, -1.0, np.nan])
def test_an_edge_value_among_ordinary_ones_changes_only_its_own_cell(edge: float) -> None:
    x = np.random.default_rng(3).lognormal(2.0, 2.0, (3, 1000)).astype(np.float32)
    plain = quiet_fast_log1p(x)
    x[1, 17] = edge
    got = quiet_fast_log1p(x)
    with np.errstate(all="ignore"):
        assert np.array_equal(got[1, 17], np.log1p(np.float32(edge)), equal_nan=True)
    got[1, 17] = plain[1, 17]
    assert np.array_equal(got.view(np.uint32), plain.view(np.uint32))


def test_a_value_has_the_same_bits_whatever_block_or_array_it_is_in() -> None:
    """Blocks of :data:`BLOCK_VALUES`, strided views, in place or not, one scratch reused: each value's
    result depends on that value alone."""
    x = np.random.default_rng(4).lognormal(1.0, 3.0, BLOCK_VALUES + 1001).astype(np.float32)
    x[::997] = np.inf
    whole = quiet_fast_log1p(x)
    scratch = Log1pScratch()
    for piece in (slice(0, 10), slice(5, BLOCK_VALUES + 3), slice(1, None, 3)):
        out = np.empty_like(x[piece])
        assert np.array_equal(log1p_into(x[piece], out, scratch).view(np.uint32), whole[piece].view(np.uint32))
    in_place = x.copy()
    log1p_into(in_place, in_place, scratch)
    assert np.array_equal(in_place.view(np.uint32), whole.view(np.uint32))


def test_only_float32_arrays_of_one_shape_are_taken() -> None:
    with pytest.raises(TypeError, match="float32"):
        log1p_into(np.zeros(3), np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="shapes differ"):
        log1p_into(np.zeros(3, dtype=np.float32), np.zeros(4, dtype=np.float32))
