"""What the numbers alone say about one column: a default unit, the units they cannot tell apart, why.

Decision order (first that holds):

1. no finite values → unknown;
2. **linear** when the values are non-negative integers with a real range (counts, incl. counts
   written as ``12.0``), or sum to ~1e6 (CPM/TPM), or GEO2R's rule says so (q99 > 100, or range > 50
   with q25 > 0), or a non-negative column has a tail no log scale has (max > 50 and max/q75 > 50);
   * negatives → array intensities after background subtraction (MAS4 "average difference");
   * integers → counts; ~1e6 sums → CPM when small values sit on a 1/library-size grid, else TPM;
   * non-integer, zeros or a low tail → FPKM/RPKM; mostly-integer with a library-size sum → counts
     (expected counts); otherwise linear array intensities;
2. **log** otherwise:
   * undo the log (bases 2, e, 10; pseudocount 1, 0, or the one a floor implies): integers →
     log counts, ~1e6 sums → log CPM/TPM;
   * both signs around a median near 0 → centred (log ratios, z-scores);
   * a floor (many values at the minimum) or zeros → log RNA-seq values (FPKM-like after undoing);
   * otherwise → log2 array intensities (RMA, log MAS5).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rnacorpus.harmonize.units.inverse import LOG_BASES, Inverse, Shares, integers_after, undone_total
from rnacorpus.harmonize.units.stats import ColumnStats, column_stats, looks_quantized

__all__ = ["UNITS", "NumericCall", "centered_call", "numeric_call", "numeric_call_from", "per_million_with_room"]

UNITS = ("counts", "cpm", "tpm", "fpkm", "log2_intensity", "linear_intensity", "centered", "unknown")
_MILLION = 1e6
#: the share of a per-million sum that missing cells may have taken from a column on CPM's count grid
_GRID_GAP = 0.5


@dataclass(frozen=True)
class NumericCall:
    unit: str
    is_log: bool
    confidence: float
    #: units these numbers cannot tell apart from ``unit`` (a label may choose among them)
    could_be: frozenset[str]
    evidence: tuple[str, ...]


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _sum_is_million(total: float, tolerance: float = 0.03, missing: float = 0.0) -> bool:
    """Within ``tolerance`` of 1e6; missing cells can only lower a per-million sum, so they widen the
    window downwards (10× their share, at most 20%)."""
    low = _MILLION * (1 - tolerance - min(0.2, 10 * missing))
    return low <= total <= _MILLION * (1 + tolerance)


def _short_on_grid(shares: Shares, missing: float) -> bool:
    """A per-million column short of 1e6 by more than its count of missing cells explains: one missing
    top gene can carry a fifth of a library. On CPM's count grid (multiples of 1e6 / library size, which
    neither TPM, FPKM nor intensities show) the values still say per-million counts, so a column with
    missing cells may fall to half of 1e6 — never above it."""
    return missing > 0 and _MILLION * (1 - _GRID_GAP) <= shares.total < _MILLION and shares.quantized


def _per_million(shares: Shares, tolerance: float = 0.03, missing: float = 0.0) -> bool:
    """Sums to ~1e6 *and* looks like per-million abundances: many genes below 1 (or zeros), no one value
    carrying nearly all of it (a few thousand array intensities can sum to 1e6 by chance, not like that).
    Missing cells widen the window downwards; on a count grid as far as :func:`_short_on_grid` allows."""
    if shares.low < -1e-3:
        return False
    if not _sum_is_million(shares.total, tolerance, missing) and not _short_on_grid(shares, missing):
        return False
    rnaseq_like = shares.below_one >= 0.05 or shares.has_exact_zeros()
    return bool(rnaseq_like and shares.high < 0.9 * shares.total)


def _linear_shares(s: ColumnStats) -> Shares:
    m = len(s.sample)
    # |x| < 1e-6 in the sorted subsample (-1e-6 < x < 1e-6): one slice of it, not a mask
    inside = int(np.searchsorted(s.sample, 1e-6, side="left") - np.searchsorted(s.sample, -1e-6, side="right"))
    near_zero = inside / m if m else 0.0
    grid = functools.partial(_on_count_grid, s)
    return Shares(s.total, s.q[0.0], s.q[1.0], s.frac_below_one, near_zero, s.n, grid)


def _on_count_grid(s: ColumnStats) -> bool:
    slack = None if s.decimals is None else np.full(len(s.sample), 0.5 * 10.0**-s.decimals)
    return looks_quantized(s.sample, s.min_positive, slack)


def _missing(s: ColumnStats) -> float:
    return s.n_missing / max(1, s.n + s.n_missing)


def _describe(s: ColumnStats) -> str:
    return (
        f"n={s.n} min={_fmt(s.q[0.0])} q25={_fmt(s.q[0.25])} median={_fmt(s.q[0.5])} "
        f"q99={_fmt(s.q[0.99])} max={_fmt(s.q[1.0])} sum={_fmt(s.total)} zeros={s.frac_zero:.0%} "
        f"negative={s.frac_negative:.0%} integers={s.frac_integer:.0%}"
    )


def _is_centered(s: ColumnStats) -> bool:
    iqr = s.q[0.75] - s.q[0.25]
    return (
        0.15 <= s.frac_negative <= 0.85
        and s.q[0.25] < 0 < s.q[0.75]
        and abs(s.q[0.5]) <= max(0.35 * iqr, 0.1)
        and not s.has_floor()
    )


def _is_linear(s: ColumnStats) -> tuple[bool, str]:
    if s.frac_negative == 0 and s.frac_integer >= 0.999 and s.q[1.0] >= 20:
        return True, "non-negative integers"
    if (
        s.frac_negative == 0
        and _sum_is_million(s.total, missing=_missing(s))
        and (s.frac_below_one >= 0.05 or s.has_exact_zeros())
    ):
        return True, "column sum ≈ 1e6"
    if s.geo2r_linear():
        return True, "GEO2R rule: linear (q99 > 100, or range > 50 with q25 > 0)"
    if s.frac_negative == 0 and s.q[1.0] > 50 and s.q[1.0] > 50 * max(s.q[0.75], 1e-9):
        return True, "heavy right tail (max > 50 × q75)"
    return False, "GEO2R rule: already log-scale (q99 ≤ 100 and not (range > 50 with q25 > 0))"


def _linear_call(s: ColumnStats, why: str) -> NumericCall:
    evidence = (why, _describe(s))
    if s.frac_negative > 0.005:
        return NumericCall(
            "linear_intensity",
            False,
            0.75,
            frozenset({"linear_intensity", "centered"}),
            (*evidence, "negative values on a linear scale: background-subtracted intensities"),
        )
    if s.frac_integer >= 0.999:
        million = _sum_is_million(s.total, missing=_missing(s))
        # integers without zeros or a low tail could be rounded array intensities; a label may say so
        array_like = s.frac_zero == 0 and s.q[0.05] >= 10
        alternatives = {"counts"} | ({"cpm"} if million else set()) | ({"linear_intensity"} if array_like else set())
        confidence = 0.95 if len(alternatives) == 1 else 0.75
        return NumericCall("counts", False, confidence, frozenset(alternatives), (*evidence, "integer values"))
    shares = _linear_shares(s)
    if _per_million(shares, missing=_missing(s)):
        if shares.quantized:
            short = not _sum_is_million(s.total, missing=_missing(s))
            sum_note = "sum short of 1e6 with missing cells" if short else "sum ≈ 1e6"
            return NumericCall(
                "cpm",
                False,
                0.75 if short else 0.9,
                frozenset({"cpm"}),
                (*evidence, f"{sum_note} and values on a grid of {_fmt(s.min_positive)}: CPM"),
            )
        return NumericCall(
            "tpm",
            False,
            0.7,
            frozenset({"tpm", "cpm"}),
            (*evidence, "sum ≈ 1e6 without a count grid: TPM (or CPM)"),
        )
    near_million = 3e5 <= s.total <= 1.1e6
    # RNA-seq's low end: exact zeros (any share a study has: a deep library leaves under 1%), or a
    # tail below 0.05 (one read on a long gene); array intensities have neither
    rnaseq_like = s.has_exact_zeros() or s.q[0.01] < 0.05
    if rnaseq_like and s.frac_integer >= 0.5 and s.total >= 3e6:
        return NumericCall(
            "counts",
            False,
            0.6,
            frozenset({"counts", "fpkm"}),
            (*evidence, "mostly integers with a library-size sum: expected counts"),
        )
    family = {"fpkm", "linear_intensity", "counts"} | ({"tpm", "cpm"} if near_million else set())
    if rnaseq_like:
        return NumericCall(
            "fpkm",
            False,
            0.65,
            frozenset(family),
            (*evidence, "non-integer with zeros or a low tail: FPKM/RPKM-like"),
        )
    return NumericCall(
        "linear_intensity",
        False,
        0.65,
        frozenset(family),
        (*evidence, "positive non-integer values without zeros: array intensities"),
    )


def _undo_log(column: npt.NDArray[np.floating], s: ColumnStats, *, with_zero_pseudocount: bool) -> NumericCall | None:
    """A log whose inverse gives integers (counts) or ~1e6 sums (CPM/TPM) is that unit, logged.

    Pseudocount 1 (and the one a floor implies) first; pseudocount 0 — log of values that may be < 1,
    so negative — only once the values have been found not to be centred (:mod:`.inverse`).
    Every base is asked for integers before any is asked for a per-million sum: integers under one
    base are proof, while a sum near 1e6 under another base can be chance (natural-log counts undone
    as log2 can sum to ~1e6).
    """
    inverses = list(_inverses(s, with_zero_pseudocount=with_zero_pseudocount))
    for inverse in inverses:
        if integers_after(inverse, column, s):
            return NumericCall(
                "counts",
                True,
                0.9,
                frozenset({"counts"}),
                (f"undoing {inverse.where} gives integers: log counts", _describe(s)),
            )
    for inverse in inverses:
        shares = undone_total(inverse, column, s)
        if shares is None or not _per_million(shares, 0.02, _missing(s)):
            continue
        unit = "cpm" if shares.quantized else "tpm"
        return NumericCall(
            unit,
            True,
            0.85,
            frozenset({unit} if shares.quantized else {"tpm", "cpm"}),
            (f"undoing {inverse.where} gives sums ≈ 1e6: log {unit.upper()}", _describe(s)),
        )
    return None


def _inverses(s: ColumnStats, *, with_zero_pseudocount: bool) -> Iterator[Inverse]:
    """The logs worth undoing, in order; none whose inverse would make the minimum negative."""
    # a few values sharing a negative minimum are log(0 + pseudocount) even when too few for a "floor"
    floor = s.q[0.0] if s.has_floor() or s.n_at_min >= 3 else None
    for base, name in LOG_BASES:
        if with_zero_pseudocount:
            pseudos = [0.0]
        else:
            pseudos = [1.0] + ([float(base**floor)] if floor is not None and floor < 0 else [])
        for pseudo in pseudos:
            inverse = Inverse(base, name, pseudo)
            if inverse.at(s.q[0.0]) >= -1e-3:  # undone values may not be negative
                yield inverse


def _log_call(column: npt.NDArray[np.floating], s: ColumnStats, why: str) -> NumericCall:
    undone = _undo_log(column, s, with_zero_pseudocount=False)
    evidence = (why, _describe(s))
    if undone is None and _is_centered(s):
        return centered_call(s, "both signs around a median near 0: centred / log ratios", why)
    undone = undone or _undo_log(column, s, with_zero_pseudocount=True)
    if undone is not None:
        return NumericCall(undone.unit, True, undone.confidence, undone.could_be, (why, *undone.evidence))
    if s.frac_negative >= 0.05 and not s.has_floor():
        # log intensities are positive; negatives on a log scale are ratios or values centred off-zero
        return NumericCall(
            "centered",
            True,
            0.6,
            frozenset({"centered", "log2_intensity", "fpkm", "tpm"}),
            (*evidence, "negative log-range values without a floor: ratios / centred values"),
        )
    # log RNA-seq floors sit at log(0 + pseudocount) ≤ 0; arrays floored by the submitter sit higher
    if s.has_floor() and (s.q[0.0] <= 0.5 or s.n_neg_inf > 0):
        return NumericCall(
            "fpkm",
            True,
            0.6,
            frozenset({"fpkm", "tpm", "cpm", "counts"}),
            (
                *evidence,
                f"a floor at {_fmt(s.q[0.0])} ({s.frac_at_min:.0%} of values): log RNA-seq values, FPKM-like",
            ),
        )
    return NumericCall(
        "log2_intensity",
        True,
        0.8,
        frozenset({"log2_intensity", "fpkm", "tpm", "cpm", "counts"}),
        (*evidence, "positive log-range values without a floor: log2 array intensities"),
    )


def centered_call(s: ColumnStats, reason: str, why: str | None = None) -> NumericCall:
    """Centred values (log ratios, z-scores, row-centred logs); ``reason`` says what showed it."""
    evidence = (*([why] if why else []), _describe(s), reason)
    return NumericCall("centered", True, 0.85, frozenset({"centered", "tpm", "cpm"}), evidence)


def numeric_call_from(column: npt.NDArray[np.floating], s: ColumnStats) -> NumericCall:
    """The numbers' call for one column whose statistics are already known (see :func:`block_stats`)."""
    if s.n < 3:
        return NumericCall("unknown", False, 0.0, frozenset(UNITS), (f"only {s.n} finite values",))
    linear, why = _is_linear(s)
    if linear:
        return _linear_call(s, why)
    return _log_call(column, s, why)


def numeric_call(column: npt.NDArray[np.floating]) -> NumericCall:
    """The numbers' call for one column of values."""
    return numeric_call_from(column, column_stats(column))


def per_million_with_room(
    column: npt.NDArray[np.floating], s: ColumnStats, room: npt.NDArray[np.float64], *, is_log: bool
) -> NumericCall | None:
    """A per-million call for a column whose sum falls short of 1e6 by no more than its empty cells
    can hold; None when it does not.

    Serves TPM and CPM columns, linear or logged, with empty cells: one of them can be a gene that
    takes a tenth of a library, more than the share of empty cells lets :func:`_sum_is_million`
    allow. ``room``: per empty cell, the most the matrix's other samples say it can hold, in the
    column's own scale (undone here with the log being tried). The sum must be at most 1e6 and the
    room must make up the rest (both within 3%), with per-million shares as in :func:`_per_million`.
    """
    inverses: list[Inverse | None] = list(_inverses(s, with_zero_pseudocount=False)) if is_log else [None]
    for inverse in inverses:
        shares = _linear_shares(s) if inverse is None else undone_total(inverse, column, s)
        if shares is None or shares.low < -1e-3:
            continue
        extra = float(np.maximum(room if inverse is None else inverse.linear(room), 0.0).sum())
        if not _MILLION * 0.97 - extra <= shares.total <= _MILLION * 1.03:
            continue
        rnaseq_like = shares.below_one >= 0.05 or shares.has_exact_zeros()
        if not rnaseq_like or shares.high >= 0.9 * shares.total:
            continue
        unit = "cpm" if shares.quantized else "tpm"
        scale = "values" if inverse is None else f"undoing {inverse.where}"
        note = f"{scale}: sum {_fmt(shares.total)}, short of 1e6 by no more than the empty cells hold ({_fmt(extra)})"
        return NumericCall(unit, is_log, 0.7, frozenset({"tpm", "cpm", "fpkm"}), (_describe(s), note))
    return None
