"""The export normalizes a block's rows straight into the row groups they go to, a group's share at a
time (``BlockNormalization.into``), instead of normalizing the block whole and copying its rows: cut
anywhere — runs shorter than, equal to and longer than a chunk, across rows of two units, NaN cells,
a zero and an infinite total — the runs hold bit for bit what the whole block gives, and the same NaN
counts. The whole block is normalized once per (rule, units, gathering) and compared with every cut."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.catalog.column_map import ColumnMap
from rnacorpus.catalog.normalize import RULES
from tests.export.test_a_row_normalizes_the_same_in_any_block import _block

_VALUES, _UNITS, _LENGTHS, _COLUMNS = _block()
_CASES = [(rule, mixed, gathered) for rule in sorted(RULES) for mixed in (True, False) for gathered in (True, False)]


def _inputs(mixed: bool, gathered: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, ColumnMap | None]:
    units = _UNITS if mixed else np.full(len(_VALUES), "counts")
    return _VALUES, units, _LENGTHS, _COLUMNS if gathered else None


_WHOLE = {case: RULES[case[0]].apply_counting_nan(*_inputs(*case[1:])) for case in _CASES}


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(_CASES), cuts=st.sets(st.integers(1, len(_VALUES) - 1), max_size=8))
def test_runs_cut_anywhere_hold_what_the_whole_block_holds(case: tuple[str, bool, bool], cuts: set[int]) -> None:
    rule, mixed, gathered = case
    values, units, lengths, columns = _inputs(mixed, gathered)
    whole, nan_cells = _WHOLE[case]
    normalization = RULES[rule].normalizing(values, units, lengths, columns)
    out = np.full(whole.shape, 7.0, dtype=np.float32)  # no cell may keep this
    counts = np.full(len(values), -1, dtype=np.int64)
    edges = [0, *sorted(cuts), len(values)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an infinite total is NaN, quietly
        for start, stop in itertools.pairwise(edges):
            counts[start:stop] = normalization.into(out[start:stop], start, stop)
    assert np.array_equal(out.view(np.uint32), whole.view(np.uint32)), f"{rule} cut at {sorted(cuts)}"
    assert np.array_equal(counts, nan_cells)
