"""The numbers a unit call rests on, one :class:`ColumnStats` per sample column, computed for a
block of columns at once.

Exact over every value of a column (the tests that depend on single values or on the whole sum):
count of finite values, NaN and ``-inf`` (a log of zero written out), minimum, maximum and sum.
Everything else — quantiles, shares of zeros / negatives / integers / values below one, the
smallest positive value, the decimals a column is written with — comes from a deterministic
strided subsample of at most :data:`SUBSAMPLE` finite values (:attr:`ColumnStats.sample`, sorted),
so that a 1,000 × 54,675 matrix costs three passes over its values plus one sort of a quarter of
them, whatever the number of samples. Arrays are processed as they come (float32 stays float32).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = [
    "SUBSAMPLE",
    "ZERO_SHARE",
    "ColumnStats",
    "are_exact_zeros",
    "block_stats",
    "column_stats",
    "is_integer_valued",
    "looks_quantized",
    "written_decimals",
]

#: finite values per column the shape statistics are read from (a strided, deterministic subsample)
SUBSAMPLE = 8_192
_QUANTILES = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0)
_MAX_DECIMALS = 4
#: values (spread over the sorted subsample) that decide how many decimals a column is written with
_DECIMAL_PICKS = 1024
#: exact zeros that are a share of the features (not a stray cell): at least this share, and 3 values
ZERO_SHARE = 0.005


def are_exact_zeros(share: float, n: int) -> bool:
    """Exact zeros beyond a stray cell or two (``share`` of ``n`` values): features no read reached.

    Serves every RNA-seq column (counts, FPKM, TPM, CPM, and their logs of zero plus a pseudocount),
    whatever the depth: a deep library leaves under 1% of the genes without a read, a shallow one
    most of them. An array reads a fluorescence, which is never exactly 0 (background subtraction
    takes it below 0, not to it)."""
    return share >= ZERO_SHARE and round(share * n) >= 3


@dataclass(frozen=True)
class ColumnStats:
    n: int  # finite values
    n_missing: int  # NaN
    n_neg_inf: int  # -inf: a log of zero written out
    q: dict[float, float]  # quantiles of the finite values (q[0.0] / q[1.0] exact)
    frac_negative: float
    frac_zero: float
    frac_integer: float
    total: float  # sum of finite values (exact)
    min_positive: float  # smallest value > 0 (nan when none)
    frac_at_min: float  # share of values equal to the minimum: a floor (log of 0 + pseudocount)
    n_at_min: int
    n_zero: int
    frac_below_one: float  # TPM/CPM columns have many genes below 1 (arrays rarely do)
    #: decimals every value is written with (``None``: full precision) — 2 for ``7.13``
    decimals: int | None = None
    #: sorted finite values the shares and quantiles were read from
    sample: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0), repr=False, compare=False)

    def has_floor(self) -> bool:
        """Many values at the minimum, or zeros: what a log of (0 + pseudocount) leaves behind."""
        at_min = self.n_at_min >= 3 and self.frac_at_min >= 0.02
        return at_min or self.has_exact_zeros() or self.n_neg_inf > 0

    def has_exact_zeros(self) -> bool:
        """Zeros that are a share of the features (:func:`are_exact_zeros`): what counting leaves."""
        return are_exact_zeros(self.frac_zero, self.n)

    @property
    def spread(self) -> float:
        return self.q[1.0] - self.q[0.0]

    def geo2r_linear(self) -> bool:
        """GEO2R's test for values that still need a log: q99 > 100, or a range > 50 with q25 > 0."""
        return self.q[0.99] > 100 or (self.spread > 50 and self.q[0.25] > 0)


def is_integer_valued(values: npt.NDArray[np.float64], tolerance: float = 1e-3) -> npt.NDArray[np.bool_]:
    """Values within ``tolerance`` (relative for large ones) of an integer: counts stored as floats pass."""
    # |v - rint(v)| <= tolerance * max(1, |v| * 1e-3), each step in place (every sample row pays this)
    off = np.rint(values)
    np.subtract(values, off, out=off)
    np.abs(off, out=off)
    allowed = np.abs(values)
    allowed *= 1e-3
    np.maximum(allowed, 1.0, out=allowed)
    allowed *= tolerance
    return np.asarray(off <= allowed)


def looks_quantized(
    values: npt.NDArray[np.float64], min_positive: float, slack: npt.NDArray[np.float64] | None = None
) -> bool:
    """CPM columns are multiples of 1e6 / library size: small values sit on a grid of the smallest one.

    ``slack``: per value, how far rounding of the deposited text may have moved it (same units).
    Rounding also moves the smallest value itself, so the grid step is re-estimated from the small
    values (median of value / its multiple) before they are checked against it."""
    if not np.isfinite(min_positive) or min_positive <= 0:
        return False
    small = (values > 0) & (values < 10 * min_positive)
    if np.count_nonzero(small) < 30:
        return False
    step = min_positive
    for _ in range(2):
        multiples = np.maximum(np.rint(values[small] / step), 1.0)
        step = float(np.median(values[small] / multiples))
    ratios = values[small] / step
    if len(np.unique(np.rint(ratios))) < 3:
        return False
    allowed = 0.15 if slack is None else 0.15 + slack[small] / step
    on_grid = np.abs(ratios - np.rint(ratios)) <= allowed
    return bool(on_grid.mean() >= 0.95 and np.mean(allowed) < 0.35)


def written_decimals(sample: npt.NDArray[np.float64]) -> int | None:
    """The decimals a column was rounded to in its file (1–4), or None when written at full precision.

    Only values of log-like magnitude are telling (float32 keeps ~7 digits); ``sample`` is sorted, so
    they are one slice of it."""
    start = int(np.searchsorted(sample, -1000.0, side="right"))  # |x| < 1000: -1000 < x < 1000
    telling = sample[start : int(np.searchsorted(sample, 1000.0, side="left"))]
    if len(telling) > _DECIMAL_PICKS:
        telling = telling[np.linspace(0, len(telling) - 1, _DECIMAL_PICKS).astype(np.int64)]
    if len(telling) < 30:
        return None
    for decimals in range(_MAX_DECIMALS + 1):
        scaled = telling * 10.0**decimals
        # float32 storage moves a value by ~1e-7 relative; anything more is a digit that was written
        tolerance = np.maximum(np.abs(scaled) * 4e-7, 1e-6) + 1e-9
        if np.mean(np.abs(scaled - np.rint(scaled)) <= tolerance) >= 0.99:
            return decimals or None  # whole numbers are integers, not rounded logs
    return None


def _empty(n_missing: int, n_neg_inf: int) -> ColumnStats:
    nan = float("nan")
    return ColumnStats(0, n_missing, n_neg_inf, dict.fromkeys(_QUANTILES, nan), nan, nan, nan, 0.0, nan, nan, 0, 0, nan)


def _quantiles(sorted_values: npt.NDArray[np.float64], low: float, high: float) -> dict[float, float]:
    """Linear-interpolation quantiles (numpy's default) of sorted values; the extremes exact."""
    n = len(sorted_values)
    position = np.asarray(_QUANTILES) * (n - 1)
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, n - 1)
    weight = position - below
    values = sorted_values[below] * (1 - weight) + sorted_values[above] * weight
    out = dict(zip(_QUANTILES, (float(v) for v in values), strict=True))
    out[0.0], out[1.0] = low, high
    return out


def _column(
    sample: npt.NDArray[np.float64], n: int, n_missing: int, n_neg_inf: int, low: float, high: float, total: float
) -> ColumnStats:
    if n == 0 or not len(sample):
        return _empty(n_missing, n_neg_inf)
    m = len(sample)
    # the subsample is sorted: each share below is where a value would go in it (one binary search),
    # not a mask over every value of it
    negative, below_one = np.searchsorted(sample, [0.0, 1.0], side="left")
    zero_end = int(np.searchsorted(sample, 0.0, side="right"))
    n_zero_s = zero_end - int(negative)
    at_min_s = int(np.searchsorted(sample, low, side="right") - np.searchsorted(sample, low, side="left"))
    scale = n / m  # shares are read from the subsample; counts are scaled to the column
    return ColumnStats(
        n=n,
        n_missing=n_missing,
        n_neg_inf=n_neg_inf,
        q=_quantiles(sample, low, high),
        frac_negative=float(negative / m),
        frac_zero=n_zero_s / m,
        frac_integer=float(is_integer_valued(sample).mean()),
        total=total,
        min_positive=float(sample[zero_end]) if zero_end < m else float("nan"),
        frac_at_min=at_min_s / m,
        # the minimum is exact and in the subsample: seen once, it is that one value, not a share of
        # the column (scaled, one outlier of a centred column passed for three at a log floor)
        n_at_min=at_min_s if at_min_s <= 1 else round(at_min_s * scale),
        n_zero=round(n_zero_s * scale),
        frac_below_one=float(below_one / m),
        decimals=written_decimals(sample),
        sample=sample,
    )


def _exact(row: npt.NDArray[np.floating]) -> tuple[int, int, int, float, float, float]:
    """One row's exact figures: finite values, NaN, -inf, minimum, maximum and sum of the finite values.

    The finite mask first: a row with empty cells (most deposited rows have a few) then pays one
    pass for the decision instead of a sum, a minimum and a maximum over the whole row that its NaN
    would void. The sums are the ones taken before (the whole row's, or its finite values' once
    compacted), so every figure is bit for bit what it was."""
    width = len(row)
    finite = np.isfinite(row)
    n = int(np.count_nonzero(finite))
    if n == width:
        return n, 0, 0, float(row.min()), float(row.max()), float(row.sum(dtype=np.float64))
    kept = row[finite]
    n_missing = int(np.count_nonzero(np.isnan(row)))
    # every non-finite cell is NaN, -inf or +inf: count -inf only when the NaN do not account for them
    n_neg_inf = 0 if n + n_missing == width else int(np.count_nonzero(row == -np.inf))
    if not n:
        return 0, n_missing, n_neg_inf, np.nan, np.nan, 0.0
    return n, n_missing, n_neg_inf, float(kept.min()), float(kept.max()), float(kept.sum(dtype=np.float64))


def block_stats(block: npt.NDArray[np.floating]) -> list[ColumnStats]:
    """Statistics of each row of ``block`` (rows = sample columns, one value per feature)."""
    values = np.asarray(block)
    if values.ndim != 2:
        raise ValueError("block_stats expects a 2-D array (samples × features)")
    rows, width = values.shape
    if width == 0:
        return [_empty(0, 0) for _ in range(rows)]
    exact = [_exact(values[i]) for i in range(rows)]
    stride = max(1, -(-width // SUBSAMPLE))
    picked = _sorted_subsample(values[:, ::stride], any(n < width for n, *_ in exact))
    kept_per_row = np.count_nonzero(~np.isnan(picked), axis=1)
    out = []
    for i, (n, n_missing, n_neg_inf, low, high, total) in enumerate(exact):
        sample = picked[i, : kept_per_row[i]]
        if len(sample) == 0 and n:
            row = np.asarray(values[i], dtype=np.float64)
            sample = np.sort(row[np.isfinite(row)])[:SUBSAMPLE]  # sparse finite values the stride missed
        out.append(_column(sample, n, n_missing, n_neg_inf, low, high, total))
    return out


def _sorted_subsample(strided: npt.NDArray[np.floating], non_finite: bool) -> npt.NDArray[np.float64]:
    """Each row of the strided subsample as float64, non-finite values as NaN, sorted (NaN last).

    A float32 block is sorted as float32 (half the bytes: ~0.1 of a 54,675-value row's ~0.4 ms) when
    it holds no zero: float32 → float64 is exact and keeps the order, and equal values are the same
    bits, so the result is the float64 sort's, bit for bit. Zeros are the exception, for any block:
    -0.0 and 0.0 compare equal, so which comes first is the sorting routine's choice, and the
    quantiles keep the sign of the zero they land on — a block with a zero is sorted as float64,
    exactly as before."""
    narrow = strided.dtype == np.float32 and not np.count_nonzero(strided == 0)
    picked = np.array(strided, dtype=np.float32 if narrow else np.float64)
    if non_finite:
        picked[~np.isfinite(picked)] = np.nan
    picked.sort(axis=1)  # NaN sorts last
    return picked.astype(np.float64, copy=False)


def column_stats(column: npt.NDArray[np.floating]) -> ColumnStats:
    return block_stats(np.asarray(column)[None, :])[0]
