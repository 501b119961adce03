"""Property: the NaN count the normalizer returns with a block (the export's ``gene_coverage``) is
the number of NaN cells in the block it returns, for every rule, whatever the values hold — NaN,
±inf, negatives (log1p of a value below −1 is NaN), zeros (a zero total makes a row NaN), values
whose sum overflows float32 — and the block is exactly the one :meth:`NormalizationRule.apply` gives.

The count is taken from one row sum (a row whose sum is a number holds no NaN) and, for rows
whose sum is NaN, cell by cell; this checks it against counting every cell.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rnacorpus.catalog.column_map import ColumnMap
from rnacorpus.catalog.normalize import RULES

_cells = st.one_of(
    st.floats(width=32, allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, -1.0, -2.5, 3e38, -3e38, 1e-30]),
    st.floats(min_value=0, max_value=1e6, width=32),
)


@st.composite
def _blocks(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, ColumnMap]:
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 9))
    values = draw(hnp.arrays(np.float32, (rows, cols), elements=_cells))
    units = np.array(draw(st.lists(st.sampled_from(["counts", "tpm", "fpkm", "cpm"]), min_size=rows, max_size=rows)))
    lengths = draw(hnp.arrays(np.float64, cols, elements=st.sampled_from([np.nan, 0.0, 150.0, 2500.0])))
    positions = np.array(draw(st.lists(st.integers(-1, cols - 1), min_size=1, max_size=12)), dtype=np.intp)
    return values, units, lengths, ColumnMap.from_positions(positions)


@settings(max_examples=300, deadline=None)
@given(_blocks(), st.sampled_from(sorted(RULES)), st.booleans())
def test_the_nan_count_is_the_blocks_nan_cells(
    block: tuple[np.ndarray, np.ndarray, np.ndarray, ColumnMap], name: str, identity: bool
) -> None:
    values, units, lengths, columns = block
    if identity:
        columns = ColumnMap.identity(values.shape[1])
    rule = RULES[name]
    with np.errstate(all="ignore"):
        expected = rule.apply(values.copy(), units, lengths, columns)
        got, nan_cells = rule.apply_counting_nan(values.copy(), units, lengths, columns)
    np.testing.assert_array_equal(got, expected)  # NaN where NaN, every other bit the same
    np.testing.assert_array_equal(nan_cells, np.isnan(expected).sum(axis=1))
