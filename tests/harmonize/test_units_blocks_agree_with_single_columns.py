"""Unit detection reads a matrix a block of columns at a time; each column gets what it would alone."""

from __future__ import annotations

import numpy as np

from rnacorpus.harmonize.units import detect_units_in_values
from rnacorpus.harmonize.units.stats import block_stats, column_stats, written_decimals


def _mixed(rng: np.random.Generator, n_samples: int, n_genes: int) -> np.ndarray:
    values = rng.lognormal(2, 2, size=(n_samples, n_genes)).astype(np.float32)
    values[rng.random(values.shape) < 0.01] = np.nan
    values[0, :50] = -np.inf
    values[1] = np.round(np.log2(values[1] + 1), 2)
    values[2] = np.rint(values[2])
    values[3] = np.nan
    return values


def test_block_statistics_equal_each_column_alone() -> None:
    values = _mixed(np.random.default_rng(3), 9, 40_000)
    for row, block in zip(values, block_stats(values), strict=True):
        alone = column_stats(row)
        assert repr(block) == repr(alone)  # repr: NaN statistics of an empty column compare equal
        assert np.array_equal(block.sample, alone.sample)


def test_exact_counts_sums_and_extremes_come_from_every_value() -> None:
    values = _mixed(np.random.default_rng(4), 4, 60_000)
    stats = block_stats(values)
    first = values[0][np.isfinite(values[0])]
    assert stats[0].n == len(first) and stats[0].n_neg_inf == 50
    assert stats[0].n_missing == int(np.isnan(values[0]).sum())
    assert stats[0].total == float(first.sum(dtype=np.float64))
    assert (stats[0].q[0.0], stats[0].q[1.0]) == (float(first.min()), float(first.max()))
    assert stats[3].n == 0 and stats[3].n_missing == 60_000


def test_decimals_a_file_was_written_with() -> None:
    rng = np.random.default_rng(5)
    logs = np.log2(rng.lognormal(2, 2, 5000) + 1)
    assert written_decimals(np.sort(np.round(logs, 2).astype(np.float32).astype(np.float64))) == 2
    assert written_decimals(np.sort(np.round(logs, 3).astype(np.float32).astype(np.float64))) == 3
    assert written_decimals(np.sort(logs.astype(np.float32).astype(np.float64))) is None
    assert written_decimals(np.sort(np.rint(logs))) is None  # whole numbers are not a rounded log


def test_a_matrix_gets_the_calls_its_columns_get_alone() -> None:
    values = _mixed(np.random.default_rng(6), 6, 20_000)[[0, 1, 2, 4, 5]]
    together = detect_units_in_values(values, [f"s{i}" for i in range(5)])
    for i, call in enumerate(together):
        alone = detect_units_in_values(values[i : i + 1], [f"s{i}"])[0]
        assert (call.unit, call.is_log) == (alone.unit, alone.is_log)
