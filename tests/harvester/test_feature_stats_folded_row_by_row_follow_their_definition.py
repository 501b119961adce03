"""Per-feature statistics folded in one sample row at a time, as the parser folds them while it spools,
are their plain definitions bit for bit: counts of present cells, float64 sums and sums of squares
added sample after sample, and each feature's first present value; also when later samples widen the
matrix with features earlier samples lack, after every feature already had its first value."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.schemas.feature_stats import FeatureStats

_VALUE = st.one_of(st.just(float("nan")), st.floats(-1e6, 1e6, width=32), st.just(-0.0))


@st.composite
def _rows(draw: st.DrawFn) -> list[np.ndarray]:
    """Rows whose widths never shrink (a later sample may add features), some with missing cells."""
    rows, width = [], draw(st.integers(1, 6))
    for _ in range(draw(st.integers(1, 8))):
        width += draw(st.sampled_from([0, 0, 0, 1, 3]))
        rows.append(np.array(draw(st.lists(_VALUE, min_size=width, max_size=width)), np.float32))
    return rows


def _definition(rows: list[np.ndarray]) -> dict[str, np.ndarray]:
    width = len(rows[-1])
    padded = [np.concatenate([row, np.full(width - len(row), np.nan, np.float32)]) for row in rows]
    count = np.zeros(width, np.int64)
    total, total_sq = np.zeros(width), np.zeros(width)
    first = np.full(width, np.nan, np.float32)
    for row in padded:
        for j, cell in enumerate(row.tolist()):
            if cell != cell:  # NaN: absent
                continue
            count[j] += 1
            total[j] = total[j] + np.float64(cell)
            total_sq[j] = total_sq[j] + np.float64(cell) * np.float64(cell)
            if first[j] != first[j]:
                first[j] = cell
    return {"count": count, "total": total, "total_sq": total_sq, "first_present": first}


@settings(max_examples=200, deadline=None)
@given(_rows())
def test_statistics_folded_row_by_row_equal_their_definition(rows: list[np.ndarray]) -> None:
    stats = FeatureStats(0)
    for row in rows:
        stats.widen(len(row))
        stats.add(np.concatenate([row, np.full(len(stats.count) - len(row), np.nan, np.float32)])[np.newaxis])
    expected = _definition(rows)
    assert stats.n_samples == len(rows)
    for name, values in expected.items():
        assert getattr(stats, name).tobytes() == values.tobytes(), name


def test_a_feature_added_after_all_others_had_a_value_still_gets_its_first_value() -> None:
    stats = FeatureStats(2)
    stats.add(np.array([[1.0, 2.0]], np.float32))
    stats.add(np.array([[3.0, 4.0]], np.float32))
    stats.widen(3)
    stats.add(np.array([[5.0, 6.0, np.nan]], np.float32))
    stats.add(np.array([[7.0, 8.0, 9.0]], np.float32))
    assert stats.first_present.tolist() == [1.0, 2.0, 9.0]
    assert stats.count.tolist() == [4, 4, 1]
