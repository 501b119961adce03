"""A row's unit statistics are what their definitions say, whatever the row holds: the exact figures
over every finite value (NaN, -inf and +inf left out, counted apart), the shares over the sorted
subsample (read there by binary search), and a column is tested for a count grid only when its sum
may be per-million — the one decision the grid can change."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnacorpus.harmonize.units import numeric
from rnacorpus.harmonize.units.stats import block_stats, written_decimals

#: values a deposited row holds: ordinary numbers, zeros of both signs, values around one and 1e-6,
#: integers, and the non-finite cells a table may leave
_CELLS = st.one_of(
    st.floats(-1e6, 1e6, width=32),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-6, -1e-6, 999.9, 1000.0, -1000.0, 2.0, 3.5]),
    st.sampled_from([np.nan, np.inf, -np.inf]),
)
_ROWS = arrays(np.float32, st.integers(1, 400), elements=_CELLS)


def _definitions(row: npt.NDArray[np.float32]) -> dict[str, object]:
    kept = row[np.isfinite(row)]
    return {
        "n": len(kept),
        "n_missing": int(np.isnan(row).sum()),
        "n_neg_inf": int(np.isneginf(row).sum()),
        "total": float(kept.sum(dtype=np.float64)),
        "low": float(kept.min()) if len(kept) else np.nan,
        "high": float(kept.max()) if len(kept) else np.nan,
    }


@settings(max_examples=300, deadline=None)
@given(_ROWS, st.integers(1, 3))
def test_exact_figures_and_subsample_shares_follow_their_definitions(row: npt.NDArray[np.float32], rows: int) -> None:
    block = np.vstack([row] * rows)  # a block of rows gets what each row gets alone
    for stats in block_stats(block):
        expected = _definitions(row)
        if not expected["n"]:
            assert stats.n == 0 and stats.n_missing == expected["n_missing"]
            assert stats.n_neg_inf == expected["n_neg_inf"]
            continue
        found = {
            "n": stats.n,
            "n_missing": stats.n_missing,
            "n_neg_inf": stats.n_neg_inf,
            "total": stats.total,
            "low": stats.q[0.0],
            "high": stats.q[1.0],
        }
        assert found == expected
        sample = stats.sample
        assert np.all(np.isfinite(sample)) and np.all(sample[:-1] <= sample[1:])
        m = len(sample)
        assert stats.frac_negative == np.count_nonzero(sample < 0) / m
        assert stats.frac_zero == np.count_nonzero(sample == 0) / m
        assert stats.frac_below_one == np.count_nonzero(sample < 1) / m
        positive = sample[sample > 0]
        assert np.array_equal(stats.min_positive, positive[0] if len(positive) else np.nan, equal_nan=True)
        at_min = int(np.count_nonzero(sample == expected["low"]))
        assert stats.n_at_min == (at_min if at_min <= 1 else round(at_min * stats.n / m))
        assert stats.frac_at_min == at_min / m
        shares = numeric._linear_shares(stats)
        assert shares.near_zero == float(np.mean(np.abs(sample) < 1e-6))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64,
        st.integers(0, 3000),
        elements=st.one_of(st.floats(-5000, 5000).map(lambda x: round(x, 2)), st.sampled_from([-1000.0, 1000.0])),
    )
)
def test_the_decimals_are_read_from_the_values_below_a_thousand(values: npt.NDArray[np.float64]) -> None:
    sample = np.sort(values)
    # values at or beyond 1000 change nothing: only |x| < 1000 is read
    assert written_decimals(sample) == written_decimals(sample[np.abs(sample) < 1000])


def test_a_column_is_tested_for_a_count_grid_only_when_its_sum_may_be_per_million(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[int] = []

    def counting(
        values: npt.NDArray[np.float64], min_positive: float, slack: npt.NDArray[np.float64] | None = None
    ) -> bool:
        asked.append(len(values))
        return False

    monkeypatch.setattr(numeric, "looks_quantized", counting)
    rng = np.random.default_rng(1)
    intensities = np.round(rng.lognormal(7, 2, 20_000), 1).astype(np.float32)  # sums far from 1e6
    assert numeric.numeric_call(intensities).unit == "linear_intensity"
    assert asked == []
    abundances = np.where(np.arange(len(intensities)) < 2000, 0.0, intensities)  # genes without reads
    per_million = (abundances / abundances.sum() * 1e6).astype(np.float32)
    assert numeric.numeric_call(per_million).unit in {"tpm", "cpm"}
    assert asked  # the grid decides CPM against TPM
