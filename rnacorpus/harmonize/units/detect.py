"""Unit per sample column: the numbers' call, weighed against what the deposited labels say.

* no label → the numbers' call as it is;
* the label names a unit the numbers allow (it is among :attr:`NumericCall.could_be`) → that unit,
  confidence up (0.95 when the numbers' first choice agrees, 0.85 when the label chose among units
  the numbers cannot separate, e.g. TPM vs CPM, FPKM vs intensities);
* the label contradicts the numbers → the numbers win, confidence down, and the evidence says so
  (an "RMA" label on values up to 40 000 is exponentiated RMA, not log2).

The whole matrix is evidence too: when the features that can tell (:func:`row_centred`: those with
a value in every sample when there are enough of them, else those with ≥ 3 values; a feature constant
at 0 tells nothing) nearly all have a mean ≈ 0 over the samples (|mean| ≤ 0.05 × its spread for 90% of
them), the values were centred per gene — z-scores or gene-centred logs — and every column is
``centered``, even when each column alone shows a floor (genes with many zeros all become the same
negative value) or cells were emptied after the centring. Columns are analysed in blocks
(:func:`~rnacorpus.harmonize.units.stats.block_stats`); nothing loops over values in Python.

Array-intensity labels (RMA, MAS5, "signal") name a family: the scale comes from the numbers.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from rnacorpus.harmonize.feature_stats import FeatureStats
from rnacorpus.harmonize.units.labels import LabelHint, read_labels
from rnacorpus.harmonize.units.numeric import (
    UNITS,
    NumericCall,
    centered_call,
    numeric_call,
    numeric_call_from,
    per_million_with_room,
)
from rnacorpus.harmonize.units.row_evidence import RowEvidence
from rnacorpus.harmonize.units.stats import ColumnStats, block_stats, column_stats
from rnacorpus.schemas.bundle import ExpressionMatrix

__all__ = [
    "UNITS",
    "UnitCall",
    "UnitSummary",
    "detect_column",
    "detect_units",
    "detect_units_from_evidence",
    "detect_units_in_values",
    "summarize_units",
]


@dataclass(frozen=True)
class UnitCall:
    column: str
    unit: str
    is_log: bool
    confidence: float
    evidence: str

    def to_dict(self) -> dict[str, object]:
        return {
            "column": self.column,
            "unit": self.unit,
            "is_log": self.is_log,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class UnitSummary:
    """One unit for a study's matrix: the majority call, and how much the samples agree."""

    unit: str
    is_log: bool
    confidence: float
    agreement: float
    n_samples: int
    units: dict[str, int] = field(default_factory=dict)
    evidence: str = ""


def _label_unit(hint: LabelHint, numbers: NumericCall) -> str | None:
    if hint.unit == "intensity":
        return "log2_intensity" if numbers.is_log else "linear_intensity"
    return hint.unit


def _weigh(numbers: NumericCall, hint: LabelHint) -> tuple[str, bool, float, list[str]]:
    unit, is_log, confidence = numbers.unit, numbers.is_log, numbers.confidence
    notes: list[str] = []
    said = "; ".join(hint.said_by)
    wanted = _label_unit(hint, numbers)
    if wanted is not None:
        if wanted == unit:
            confidence = max(confidence, 0.95)
            notes.append(f"label agrees: {said}")
        elif wanted in numbers.could_be:
            unit, confidence = wanted, max(confidence, 0.85)
            notes.append(f"label chose {wanted} among {', '.join(sorted(numbers.could_be))}: {said}")
        else:
            confidence *= 0.7
            notes.append(f"label says {wanted} but the numbers say {unit}; numbers win: {said}")
    if hint.is_log is not None and hint.is_log != is_log:
        if unit == "centered":
            is_log = hint.is_log  # z-scores and log ratios look alike; the label knows
            notes.append(f"label says {'log' if hint.is_log else 'not log'}: {said}")
        else:
            confidence *= 0.8
            notes.append(f"label says {'log' if hint.is_log else 'linear'} but the numbers say otherwise: {said}")
    return unit, is_log, confidence, notes


def _call(column: str, numbers: NumericCall, labels: Sequence[str]) -> UnitCall:
    hint = read_labels(labels)
    unit, is_log, confidence, notes = _weigh(numbers, hint)
    if unit == "unknown":
        is_log = False
    evidence = "; ".join([*numbers.evidence, *notes])
    return UnitCall(
        column=column, unit=unit, is_log=is_log, confidence=round(min(confidence, 0.99), 3), evidence=evidence
    )


def detect_column(column: str, values: npt.NDArray[np.floating], labels: Sequence[str]) -> UnitCall:
    return _call(column, numeric_call(values), labels)


def _first_donors(values: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    """Per feature, the value of the first sample (in matrix order) that has one (NaN when none does)."""
    present = ~np.isnan(values)
    donors = values[present.argmax(axis=0), np.arange(values.shape[1])]
    return np.where(present.any(axis=0), donors, np.nan)


def row_centred(stats: FeatureStats) -> str | None:
    """Evidence that every feature was centred over the samples (z-scores, gene-centred logs).

    Serves every matrix centred per feature, whether its empty cells were left out of the centring
    (the present values' mean is 0) or emptied after it (the mean of what is left is off by the
    emptied values over the rest: one z of 1.5 among 14 samples moves it by 0.1 sd). Features with
    a value in every sample are the witnesses when there are enough of them (half the features, or
    :data:`_WITNESSES`); otherwise every feature with 3 or more values, again half or that many.
    Of these, the ones that are not constant at 0 must be half or that many, and 90% of them centred."""
    if stats.n_samples < _MIN_CENTRED_SAMPLES:
        return None
    complete = stats.count == stats.n_samples
    enough = complete if _enough(complete) else stats.count >= _MIN_CENTRED_SAMPLES
    if not _enough(enough):
        return None
    n, mean, sd = stats.moments(enough)
    flat = sd <= 1e-6
    # a feature constant at 0 says nothing either way: centring writes a gene that never varies as 0,
    # and a raw matrix has its genes without reads; a shallow study can have most genes so
    telling = ~(flat & (np.abs(mean) <= 1e-6))
    if not _enough(telling):
        return None
    centred = (np.abs(mean) <= _CENTRED_MEAN * sd)[telling]
    if centred.mean() < _CENTRED_SHARE:
        return None
    varying = ~flat
    # z-scores have sd 1 per feature (population or sample sd); gene-centred logs keep their spread
    n_var = n[varying]
    sample_sd = sd[varying] * np.sqrt(n_var / np.maximum(n_var - 1, 1))
    unit_sd = max(np.mean(np.abs(sd[varying] - 1) < 0.05), np.mean(np.abs(sample_sd - 1) < 0.05))
    kind = "per-gene z-scores (sd ≈ 1)" if unit_sd >= 0.9 else "row-centred values"
    return f"{centred.mean():.0%} of {len(centred)} features have a mean ≈ 0 over the samples: {kind}"


def _enough(witnesses: npt.NDArray[np.bool_]) -> bool:
    return bool(witnesses.mean() >= 0.5 or np.count_nonzero(witnesses) >= _WITNESSES)


#: features need this many samples before their mean over samples says anything
_MIN_CENTRED_SAMPLES = 3
#: features enough to judge centring on, whatever share of the matrix they are: 90% of 200 uncentred
#: features do not sit within 0.05 sd of 0 by chance
_WITNESSES = 200
#: |mean over samples| below this share of the feature's spread counts as centred
_CENTRED_MEAN = 0.05
#: share of features that must be centred
_CENTRED_SHARE = 0.9
#: sample columns analysed together (bounds the float64 working copies)
_BLOCK_ROWS = 128


def _numeric_calls(values: npt.NDArray[np.floating], feature_stats: FeatureStats | None) -> list[NumericCall]:
    """The numbers' call per sample column, a block of columns at a time; a matrix whose features
    are centred over its samples makes every column ``centered`` (one column alone cannot show it).
    ``feature_stats`` are the whole matrix's when ``values`` is a chunk of its samples."""
    stats = [
        s for start in range(0, values.shape[0], _BLOCK_ROWS) for s in block_stats(values[start : start + _BLOCK_ROWS])
    ]
    if feature_stats is None:
        # features centred over the samples take both signs: without negatives there is nothing to test
        signed = values.shape[0] >= _MIN_CENTRED_SAMPLES and any(s.n and s.q[0.0] < 0 for s in stats)
        feature_stats = FeatureStats.of([np.asarray(values, np.float32)], values.shape[1]) if signed else None
    centred = row_centred(feature_stats) if feature_stats is not None else None
    return _calls_under_centring(stats, lambda i: numeric_call_from(values[i], stats[i]), centred)


def _calls_under_centring(
    stats: Sequence[ColumnStats], own_call: Callable[[int], NumericCall], centred: str | None
) -> list[NumericCall]:
    """Each column's numbers' call: ``own_call(i)``, unless the whole matrix's features are centred
    over its samples (``centred``, the evidence) — then every column with 3 or more values is
    ``centered`` (one column alone cannot show it), and needs no trial of logs of its own."""
    if centred is None:
        return [own_call(i) for i in range(len(stats))]
    return [own_call(i) if s.n < 3 else centered_call(s, centred) for i, s in enumerate(stats)]


def _weighed_calls(
    columns: Sequence[str],
    numbers: Sequence[NumericCall],
    fpkm_row: Callable[[int], npt.NDArray[np.floating] | None],
    donors: Callable[[], npt.NDArray[np.floating]],
    matrix_stats: Callable[[], FeatureStats],
    label_evidence: Sequence[str],
    column_labels: Mapping[str, Sequence[str]] | None,
) -> list[UnitCall]:
    """Each column's numbers weighed against its labels, and an FPKM call tried again with its
    missing cells filled, then with the room they leave. ``fpkm_row(i)``: column i's values (None when
    it has no missing cell); ``donors()``: per feature, the value of the first sample that has one;
    ``matrix_stats()``: the whole matrix's feature statistics."""
    per_column = column_labels or {}
    votes = Counter((n.unit, n.is_log) for n in numbers if n.unit != "unknown")
    calls = []
    for i, (name, call_numbers) in enumerate(zip(columns, numbers, strict=True)):
        # a column's own labels (its #VALUE line) speak before the study's (file name, processing text)
        labels = [*per_column.get(name, ()), *label_evidence]
        call = _call(name, call_numbers, labels)
        row = fpkm_row(i) if call.unit == "fpkm" else None
        if row is not None:
            call = _refilled(call, row, donors, labels)
        if row is not None and call.unit == "fpkm" and _siblings_per_million(votes, call_numbers, call.is_log):
            call = _with_room(call, row, matrix_stats(), labels)
        calls.append(call)
    return calls


def _siblings_per_million(votes: Counter[tuple[str, bool]], own: NumericCall, is_log: bool) -> bool:
    """More than half of the other columns judged with this one are TPM or CPM, logged as it is: a
    per-million matrix, whose column short of 1e6 may be short by its empty cells. An FPKM matrix's
    columns are FPKM, and its empty cells are then not asked to make up a sum it never had."""
    others = votes.copy()
    if own.unit != "unknown":
        others[(own.unit, own.is_log)] -= 1
    per_million = others[("tpm", is_log)] + others[("cpm", is_log)]
    return per_million > 0 and per_million * 2 > others.total()


def _with_room(call: UnitCall, row: npt.NDArray[np.floating], stats: FeatureStats, labels: list[str]) -> UnitCall:
    """An FPKM call on a column with empty cells in a per-million matrix, tried as a per-million
    column short of 1e6 by what those cells hold
    (:func:`~rnacorpus.harmonize.units.numeric.per_million_with_room`). Their room is what the other
    samples show for the same features, up to 3 sd above their mean (the whole matrix's ``stats``:
    the same figures however the matrix was read); features no sample has add none."""
    empty = np.flatnonzero(np.isnan(row))
    _, mean, sd = stats.moments(empty[stats.count[empty] > 0])
    numbers = per_million_with_room(row, column_stats(row), mean + _ROOM_SD * sd, is_log=call.is_log)
    return call if numbers is None else _call(call.column, numbers, labels)


#: the most an empty cell can hold: this many sd above its feature's mean over the other samples
_ROOM_SD = 3.0


def _refilled(
    call: UnitCall, row: npt.NDArray[np.floating], donors: Callable[[], npt.NDArray[np.floating]], labels: list[str]
) -> UnitCall:
    """FPKM is what a per-million column looks like once missing cells took part of its sum; the
    filled column answers only that question (its grid mixes samples, so CPM vs TPM and everything
    else stay with the column as deposited). The donor is the first sample of the matrix that has
    the feature."""
    missing = np.isnan(row)
    if not missing.any():
        return call
    filled = np.where(missing, donors(), row)
    n_filled = int(np.count_nonzero(missing & ~np.isnan(filled)))
    refilled = detect_column(call.column, filled, labels) if n_filled else call
    if refilled.unit in {"tpm", "cpm"} and refilled.is_log == call.is_log:
        note = f"{n_filled} missing cells filled from other samples restore a per-million sum"
        return UnitCall(
            call.column, refilled.unit, refilled.is_log, refilled.confidence, f"{refilled.evidence}; {note}"
        )
    return call


def detect_units_in_values(
    values: npt.NDArray[np.floating],
    columns: Sequence[str],
    *,
    label_evidence: Sequence[str] = (),
    column_labels: Mapping[str, Sequence[str]] | None = None,
    fill_values: npt.NDArray[np.floating] | None = None,
    feature_stats: FeatureStats | None = None,
) -> list[UnitCall]:
    """``values`` is samples × features (one row per entry of ``columns``).

    ``values`` may be a chunk of a larger matrix's samples (each call is per column); then
    ``feature_stats`` must be the whole matrix's :class:`~rnacorpus.harmonize.feature_stats.FeatureStats`
    (or at least ``fill_values``, its first present value per feature), so that a missing cell is
    filled, and centring per gene judged, as with the whole matrix at hand.
    """
    if values.shape[0] != len(columns):
        raise ValueError(f"{values.shape[0]} rows of values for {len(columns)} columns")
    given = fill_values if fill_values is not None else feature_stats.first_present if feature_stats else None

    @functools.cache  # taken once, for the first FPKM column with missing cells
    def donors() -> npt.NDArray[np.floating]:
        return given if given is not None else _first_donors(values)

    @functools.cache  # likewise: only an FPKM column with missing cells asks
    def matrix_stats() -> FeatureStats:
        return (
            feature_stats
            if feature_stats is not None
            else FeatureStats.of([np.asarray(values, np.float32)], values.shape[1])
        )

    numbers = _numeric_calls(values, feature_stats)
    return _weighed_calls(columns, numbers, values.__getitem__, donors, matrix_stats, label_evidence, column_labels)


def detect_units_from_evidence(
    evidence: Sequence[RowEvidence],
    columns: Sequence[str],
    feature_stats: FeatureStats,
    read_row: Callable[[int], npt.NDArray[np.floating]],
    *,
    label_evidence: Sequence[str] = (),
    column_labels: Mapping[str, Sequence[str]] | None = None,
) -> list[UnitCall]:
    """The calls :func:`detect_units_in_values` makes for a whole matrix, from each row's
    :class:`~rnacorpus.harmonize.units.row_evidence.RowEvidence` (taken as the matrix was read) and
    the matrix's ``feature_stats``; ``read_row(i)`` reads row i back, only for an FPKM call on a row
    with missing cells (the refill needs its values)."""
    if len(evidence) != len(columns):
        raise ValueError(f"evidence of {len(evidence)} rows for {len(columns)} columns")
    width = len(feature_stats.count)
    if any(e.width != width for e in evidence):
        raise ValueError(f"row evidence taken on rows of another width than the matrix's {width} features")
    numbers = _calls_under_centring(
        [e.stats for e in evidence], lambda i: evidence[i].numbers, row_centred(feature_stats)
    )

    def fpkm_row(i: int) -> npt.NDArray[np.floating] | None:
        return read_row(i) if evidence[i].stats.n_missing else None

    return _weighed_calls(
        columns,
        numbers,
        fpkm_row,
        lambda: feature_stats.first_present,
        lambda: feature_stats,
        label_evidence,
        column_labels,
    )


def detect_units(
    matrix: ExpressionMatrix,
    *,
    label_evidence: Sequence[str] = (),
    sample_labels: Mapping[str, Sequence[str]] | None = None,
) -> list[UnitCall]:
    """One :class:`UnitCall` per sample of ``matrix``.

    ``label_evidence``: texts about the whole matrix (file name, ``!Series_data_processing``);
    ``sample_labels``: per-sample texts (a GSM's ``#VALUE = …``), tried first.
    """
    return detect_units_in_values(
        matrix.values, matrix.sample_accessions, label_evidence=label_evidence, column_labels=sample_labels
    )


def summarize_units(calls: Sequence[UnitCall]) -> UnitSummary:
    """The majority (unit, is_log) of a study's samples; confidence = mean confidence × agreement."""
    if not calls:
        return UnitSummary("unknown", False, 0.0, 0.0, 0, {}, "no samples")
    votes = Counter((c.unit, c.is_log) for c in calls)
    (unit, is_log), count = votes.most_common(1)[0]
    agreeing = [c for c in calls if (c.unit, c.is_log) == (unit, is_log)]
    agreement = count / len(calls)
    confidence = float(np.mean([c.confidence for c in agreeing])) * agreement
    units = Counter(c.unit + (" (log)" if c.is_log and c.unit not in ("log2_intensity",) else "") for c in calls)
    evidence = f"{count}/{len(calls)} samples: {unit}{' (log)' if is_log else ''}; e.g. {agreeing[0].evidence}"
    return UnitSummary(unit, is_log, round(confidence, 3), round(agreement, 3), len(calls), dict(units), evidence)
