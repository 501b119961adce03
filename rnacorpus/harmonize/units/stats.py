"""The numbers a unit call rests on, one :class:`ColumnStats` per sample column.

Everything is computed from the finite values of the column; ``-inf`` (log of zero) is counted but
not used. Quantiles use a deterministic subsample of at most :data:`QUANTILE_SAMPLE` values so that a
60 000-gene column costs the same as a 10 000-gene one; sums, zeros and integer tests use all values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["QUANTILE_SAMPLE", "ColumnStats", "column_stats", "is_integer_valued", "looks_quantized"]

QUANTILE_SAMPLE = 20_000
_QUANTILES = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0)


@dataclass(frozen=True)
class ColumnStats:
    n: int  # finite values
    n_missing: int  # NaN
    n_neg_inf: int  # -inf: a log of zero written out
    q: dict[float, float]  # quantiles of the finite values
    frac_negative: float
    frac_zero: float
    frac_integer: float
    total: float  # sum of finite values
    min_positive: float  # smallest value > 0 (nan when none)
    frac_at_min: float  # share of values equal to the minimum: a floor (log of 0 + pseudocount)
    n_distinct_small: int  # distinct values among the 200 smallest (few → a floor or quantised data)
    n_at_min: int
    n_zero: int
    frac_below_one: float  # TPM/CPM columns have many genes below 1 (arrays rarely do)

    def has_floor(self) -> bool:
        """Many values at the minimum, or zeros: what a log of (0 + pseudocount) leaves behind."""
        at_min = self.n_at_min >= 3 and self.frac_at_min >= 0.02
        zeros = self.n_zero >= 3 and self.frac_zero >= 0.005  # exact zeros: never an array value
        return at_min or zeros or self.n_neg_inf > 0

    @property
    def spread(self) -> float:
        return self.q[1.0] - self.q[0.0]

    def geo2r_linear(self) -> bool:
        """GEO2R's test for values that still need a log: q99 > 100, or a range > 50 with q25 > 0."""
        return self.q[0.99] > 100 or (self.spread > 50 and self.q[0.25] > 0)


def _quantile_sample(finite: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    if len(finite) <= QUANTILE_SAMPLE:
        return finite
    step = len(finite) / QUANTILE_SAMPLE
    picked = finite[(np.arange(QUANTILE_SAMPLE) * step).astype(np.int64)]
    # the extremes matter for the range tests; keep them exact
    return np.concatenate([picked, [finite.min(), finite.max()]])


def is_integer_valued(values: npt.NDArray[np.float64], tolerance: float = 1e-3) -> npt.NDArray[np.bool_]:
    """Values within ``tolerance`` (relative for large ones) of an integer: counts stored as floats pass."""
    return np.asarray(np.abs(values - np.rint(values)) <= tolerance * np.maximum(1.0, np.abs(values) * 1e-3))


def looks_quantized(values: npt.NDArray[np.float64], min_positive: float) -> bool:
    """CPM columns are multiples of 1e6 / library size: small values sit on a grid of the smallest one."""
    if not np.isfinite(min_positive) or min_positive <= 0:
        return False
    ratios = values[(values > 0) & (values < 10 * min_positive)] / min_positive
    if len(ratios) < 30 or len(np.unique(np.rint(ratios))) < 3:
        return False
    on_grid = np.abs(ratios - np.rint(ratios)) <= 0.15
    return bool(on_grid.mean() >= 0.95)


def column_stats(column: npt.NDArray[np.floating]) -> ColumnStats:
    values = np.asarray(column, dtype=np.float64)
    finite_mask = np.isfinite(values)
    finite = values[finite_mask]
    n = len(finite)
    n_missing = int(np.isnan(values).sum())
    n_neg_inf = int(np.isneginf(values).sum())
    if n == 0:
        nan = float("nan")
        return ColumnStats(
            0,
            n_missing,
            n_neg_inf,
            dict.fromkeys(_QUANTILES, nan),
            nan,
            nan,
            nan,
            0.0,
            nan,
            nan,
            0,
            0,
            0,
            nan,
        )
    sample = _quantile_sample(finite)
    q = dict(zip(_QUANTILES, (float(x) for x in np.quantile(sample, _QUANTILES)), strict=True))
    positive = finite[finite > 0]
    smallest = np.partition(finite, min(199, n - 1))[: min(200, n)]
    return ColumnStats(
        n=n,
        n_missing=n_missing,
        n_neg_inf=n_neg_inf,
        q=q,
        frac_negative=float((finite < 0).mean()),
        frac_zero=float((finite == 0).mean()),
        frac_integer=float(is_integer_valued(finite).mean()),
        total=float(finite.sum()),
        min_positive=float(positive.min()) if len(positive) else float("nan"),
        frac_at_min=float((finite == finite.min()).mean()),
        n_distinct_small=len(np.unique(smallest)),
        n_at_min=int((finite == finite.min()).sum()),
        n_zero=int((finite == 0).sum()),
        frac_below_one=float((finite < 1).mean()),
    )
