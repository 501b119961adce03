"""The export divides by gene length with a :class:`LengthScale` built once per shard feature list, not
from the lengths again in every block: with it, every rule gives bit for bit what the raw lengths give
— rows all counts (one division before the gather), mixed units (some rows divided), genes without a
length, genes the block lacks — and the NaN counts too."""

from __future__ import annotations

import numpy as np
import pytest

from rnacorpus.catalog.normalize import RULES, LengthScale
from tests.export.test_a_row_normalizes_the_same_in_any_block import _block


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("mixed_units", [True, False])
def test_a_built_scale_gives_what_the_lengths_give(rule: str, mixed_units: bool) -> None:
    values, units, lengths, columns = _block()
    if not mixed_units:
        units = np.full(len(values), "counts")
    scale = LengthScale.of(lengths, columns)
    for _ in range(2):  # one scale, many blocks
        from_lengths = RULES[rule].normalizing(values, units, lengths, columns)
        from_scale = RULES[rule].normalizing(values, units, scale, columns)
        expected = np.empty((len(values), len(columns.take)), dtype=np.float32)
        got = np.empty_like(expected)
        assert np.array_equal(from_scale.into(got, 0, len(values)), from_lengths.into(expected, 0, len(values)))
        assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))
    if RULES[rule].per_length:  # the scale was used: genes without a length are NaN in counts rows
        counts_row = int(np.flatnonzero(units == "counts")[0])
        unknown_out = ~(lengths > 0)[columns.take] & ~columns.missing
        assert unknown_out.any() and np.isnan(got[counts_row, unknown_out]).all()
