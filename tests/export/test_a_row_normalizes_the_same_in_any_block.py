"""A sample's normalized values and NaN count do not depend on the block it is read in: normalization
takes a block's rows through its steps a chunk at a time (``normalize.CHUNK_ROWS``), and a block of
many chunks — with a short last one, rows of two units, NaN cells and a row that sums to zero — gives
every row bit for bit what that row gives alone."""

from __future__ import annotations

import numpy as np
import pytest

from rnacorpus.catalog.column_map import ColumnMap
from rnacorpus.catalog.normalize import CHUNK_ROWS, RULES


def _block() -> tuple[np.ndarray, np.ndarray, np.ndarray, ColumnMap]:
    rng = np.random.default_rng(7)
    n_rows, n_in = 3 * CHUNK_ROWS + 5, 300
    values = rng.gamma(1.5, 50.0, size=(n_rows, n_in)).astype(np.float32)
    values[4, rng.integers(0, n_in, 12)] = np.nan  # NaN cells: outside the total, counted
    values[CHUNK_ROWS, :] = 0  # a row summing to zero: NaN, not a division by zero
    values[CHUNK_ROWS + 1, 3] = np.inf  # an infinite total
    units = rng.choice(np.array(["counts", "tpm", "fpkm"]), n_rows)  # no period a chunk could line up with
    lengths = rng.uniform(300, 5000, n_in)
    lengths[rng.integers(0, n_in, 20)] = np.nan  # genes without a length: NaN for counts rows
    positions = rng.permutation(n_in + 40)[: n_in + 10] - 40  # some output genes missing (-1 … -40)
    columns = ColumnMap.from_positions(np.where(positions < 0, -1, positions).astype(np.intp))
    return values, units, lengths, columns


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("mixed_units", [True, False])
@pytest.mark.parametrize("gathered", [True, False])
def test_every_row_of_a_many_chunk_block_is_what_it_is_alone(rule: str, mixed_units: bool, gathered: bool) -> None:
    values, units, lengths, columns = _block()
    if not mixed_units:
        units = np.full(len(values), "counts")
    chosen = columns if gathered else None
    normalization = RULES[rule]
    whole, nan_cells = normalization.apply_counting_nan(values, units, lengths, chosen)
    assert np.array_equal(normalization.apply(values, units, lengths, chosen).view(np.uint32), whole.view(np.uint32))
    for row in range(len(values)):
        one = slice(row, row + 1)
        alone, alone_nan = normalization.apply_counting_nan(values[one], units[one], lengths, chosen)
        assert np.array_equal(whole[row].view(np.uint32), alone[0].view(np.uint32)), f"{rule}: row {row} differs"
        assert nan_cells[row] == alone_nan[0] == np.count_nonzero(np.isnan(alone[0]))


def test_the_callers_values_are_left_as_they_were() -> None:
    values, units, lengths, columns = _block()
    before = values.copy()
    for normalization in RULES.values():
        normalization.apply_counting_nan(values, units, lengths, columns)
        normalization.apply(values, units, lengths, None)
    assert np.array_equal(values.view(np.uint32), before.view(np.uint32))
