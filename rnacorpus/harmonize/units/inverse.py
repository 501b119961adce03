"""Undoing a log: does ``base ** x - pseudocount`` turn a column back into counts or per-million values?

Covers every log a depositor applies to counts, CPM or TPM: bases 2, e and 10, pseudocount 1, 0 or
the one a floor implies (``log2(x + 0.5)`` leaves a floor at -1), values written at full precision
or rounded to a few decimals (``7.13``), in which case each undone value is allowed the error that
rounding makes (``base ** x · ln(base) · 0.5 · 10^-decimals``).

Cost: the tests read the column's sorted subsample (:attr:`ColumnStats.sample`) through
``searchsorted`` (the inverse is monotone, so "undone value below 1" is "x below log(1 + p)") and
power at most a few hundred of its values; only a sum that may be ~1e6 is confirmed on every value
of the column (one power pass).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from rnacorpus.harmonize.units.stats import ColumnStats, are_exact_zeros, looks_quantized

__all__ = ["LOG_BASES", "Inverse", "Shares", "integers_after", "undone_total"]

LOG_BASES = ((2.0, "log2"), (math.e, "ln"), (10.0, "log10"))
#: at most this many values are undone for the integer test and for the sum estimate
_PICKS = 512
_MILLION = 1e6
#: undone values between 0.5 and 200 needed before the integer test says anything
_MIN_TELLING = 20


def _power(base: float, values: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    with np.errstate(over="ignore"):
        x = np.asarray(values, dtype=np.float64)
        if base == 2.0:
            return np.asarray(np.exp2(x), dtype=np.float64)
        if base == math.e:
            return np.asarray(np.exp(x), dtype=np.float64)
        return np.asarray(np.power(base, x), dtype=np.float64)


def _evenly(values: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.float64]:
    """At most ``k`` values spread evenly over a sorted array (a quantile summary of it)."""
    return values if len(values) <= k else values[:: -(-len(values) // k)]


@dataclass(frozen=True)
class Inverse:
    base: float
    name: str
    pseudo: float

    @property
    def where(self) -> str:
        return f"{self.name}(x + {self.pseudo:.4g})"

    def linear(self, x: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
        return _power(self.base, x) - self.pseudo

    def at(self, x: float) -> float:
        """The undone value of one number (inf when it overflows)."""
        try:
            return float(self.base**x) - self.pseudo
        except OverflowError:
            return math.inf

    def log_of(self, linear: float) -> float:
        """The x whose inverse is ``linear`` (−inf when ``linear + pseudo`` ≤ 0)."""
        inside = linear + self.pseudo
        return math.log(inside, self.base) if inside > 0 else -math.inf

    def rounding(self, x: npt.NDArray[np.floating], decimals: int | None) -> npt.NDArray[np.float64]:
        """How far an undone value may be off when ``x`` was written with ``decimals`` digits."""
        if decimals is None:
            return np.zeros(len(x))
        return _power(self.base, x) * math.log(self.base) * 0.5 * 10.0**-decimals


def _between(sorted_x: npt.NDArray[np.float64], low: float, high: float) -> npt.NDArray[np.float64]:
    start, stop = np.searchsorted(sorted_x, [low, high], side="left")
    return sorted_x[start:stop]


def integers_after(inverse: Inverse, column: npt.NDArray[np.floating], s: ColumnStats) -> bool | None:
    """Do the values above the floor become integers? None when too few values are telling.

    The floor (a log of zero + pseudocount) proves nothing; rounding may hide at most 0.2 of a count.
    The subsample decides; the whole column only when the subsample holds too few telling values
    but the column should hold enough.
    """
    found = _integers_in(inverse, s.sample, s)
    if isinstance(found, bool):
        return found
    if found * s.n / max(1, len(s.sample)) < _MIN_TELLING or len(s.sample) >= s.n:
        return None
    values = np.asarray(column, dtype=np.float64)
    again = _integers_in(inverse, np.sort(values[np.isfinite(values)]), s)
    return again if isinstance(again, bool) else None


def _integers_in(inverse: Inverse, sorted_x: npt.NDArray[np.float64], s: ColumnStats) -> bool | int:
    """The integer test on sorted values, or how many telling values there were when too few."""
    window = _between(sorted_x, inverse.log_of(0.5), inverse.log_of(200.0))
    window = window[window > s.q[0.0]]
    if len(window) < _MIN_TELLING:
        return len(window)
    x = _evenly(window, _PICKS)
    linear = inverse.linear(x)
    slack = inverse.rounding(x, s.decimals)
    telling = slack <= 0.2
    if np.count_nonzero(telling) < _MIN_TELLING:
        return int(np.count_nonzero(telling))
    undone, allowed = linear[telling], slack[telling]
    levels = np.rint(undone)
    off = np.abs(undone - levels)
    if np.mean(off <= 0.02 * np.maximum(1.0, np.abs(undone) * 1e-3) + allowed) < 0.98:
        return False
    # counts step by one read: their levels include neighbours (1 and 2 in a shallow library, 57 and
    # 58 in a deep one, where no gene has 1 or 2 reads left in the window); levels that sit near
    # integers without neighbours are a coarse grid (CPM of a shallow library: 3, 6, 9 …). The
    # window is sorted and the inverse increasing, so the levels are in order.
    return bool(np.any(np.diff(levels) == 1))


@dataclass(frozen=True)
class Shares:
    """What a per-million test needs to know about the undone values."""

    total: float
    low: float
    high: float
    below_one: float
    near_zero: float
    #: values the shares are of (the column's finite values)
    n: int
    #: whether the small values sit on a count grid (CPM): asked only of a sum that passed as
    #: per-million, the one test whose answer it changes (most columns' sums are not ~1e6)
    grid: Callable[[], bool] = field(repr=False, compare=False)

    def has_exact_zeros(self) -> bool:
        """Zeros (undone values within 1e-6 of 0) that are a share of the features: what counting leaves."""
        return are_exact_zeros(self.near_zero, self.n)

    @functools.cached_property
    def quantized(self) -> bool:
        return self.grid()


def undone_total(inverse: Inverse, column: npt.NDArray[np.floating], s: ColumnStats) -> Shares | None:
    """The undone column's sum and shares, when its sum may be ~1e6; None when it cannot be.

    A cheap screen first: the largest value alone cannot exceed the sum, and an estimate from the
    subsample's quantiles must be within a factor 10; then the sum over every value decides.
    """
    low, high = inverse.at(s.q[0.0]), inverse.at(s.q[1.0])
    if low < -1e-3 or not math.isfinite(high) or high >= 0.9 * _MILLION * 1.03:
        return None
    x = s.sample
    estimate = float(inverse.linear(_evenly(x, 2 * _PICKS)).mean()) * s.n
    if not 1e5 <= estimate <= 1e7:
        return None
    values = np.asarray(column)
    total = float(inverse.linear(values[np.isfinite(values)]).sum())
    m = max(1, len(x))
    below_one = float(np.searchsorted(x, inverse.log_of(1.0), side="left")) / m
    near_zero = len(_between(x, inverse.log_of(-1e-6), inverse.log_of(1e-6))) / m
    return Shares(total, low, high, below_one, near_zero, s.n, functools.partial(_quantized, inverse, x, s))


def _quantized(inverse: Inverse, x: npt.NDArray[np.float64], s: ColumnStats) -> bool:
    """CPM's count grid in the undone values (only the small ones are looked at)."""
    positive = x[np.searchsorted(x, inverse.log_of(1e-9), side="right") :]
    if not len(positive):
        return False
    smallest = float(inverse.linear(positive[:1])[0])
    small = _between(positive, -math.inf, inverse.log_of(10 * smallest))
    slack = inverse.rounding(small, s.decimals) if s.decimals is not None else None
    return looks_quantized(inverse.linear(small), smallest, slack)
