"""Unit per sample column: the numbers' call, weighed against what the deposited labels say.

* no label → the numbers' call as it is;
* the label names a unit the numbers allow (it is among :attr:`NumericCall.could_be`) → that unit,
  confidence up (0.95 when the numbers' first choice agrees, 0.85 when the label chose among units
  the numbers cannot separate, e.g. TPM vs CPM, FPKM vs intensities);
* the label contradicts the numbers → the numbers win, confidence down, and the evidence says so
  (an "RMA" label on values up to 40 000 is exponentiated RMA, not log2).

Array-intensity labels (RMA, MAS5, "signal") name a family: the scale comes from the numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from rnacorpus.harmonize.units.labels import LabelHint, read_labels
from rnacorpus.harmonize.units.numeric import UNITS, NumericCall, numeric_call
from rnacorpus.schemas.bundle import ExpressionMatrix

__all__ = [
    "UNITS",
    "UnitCall",
    "UnitSummary",
    "detect_column",
    "detect_units",
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


def detect_column(column: str, values: npt.NDArray[np.floating], labels: Sequence[str]) -> UnitCall:
    numbers = numeric_call(values)
    hint = read_labels(labels)
    unit, is_log, confidence, notes = _weigh(numbers, hint)
    if unit == "unknown":
        is_log = False
    evidence = "; ".join([*numbers.evidence, *notes])
    return UnitCall(
        column=column, unit=unit, is_log=is_log, confidence=round(min(confidence, 0.99), 3), evidence=evidence
    )


def _fill_from_other_samples(
    values: npt.NDArray[np.floating], donors: npt.NDArray[np.floating] | None = None
) -> tuple[npt.NDArray[np.floating], list[int]]:
    """Missing cells take the same feature's value from another sample of the matrix.

    Scale checks rest on column sums (TPM/CPM sum to 1e6); a missing top gene can take a fifth of
    that sum with it, and other samples of the same study know roughly what it held. Filling with a
    real neighbouring value (not a mean) keeps integers integers: the donor is the first sample of
    the matrix that has the feature. Cells missing in every sample stay missing. ``donors`` is that
    first present value per feature when ``values`` is only a chunk of the matrix
    (:attr:`rnacorpus.harmonize.feature_stats.FeatureStats.first_present`). Returns the filled copy
    and, per sample, how many cells were filled.
    """
    missing = np.isnan(values)
    if not missing.any():
        return values, [0] * values.shape[0]
    if donors is None:
        present = ~missing
        donors = values[present.argmax(axis=0), np.arange(values.shape[1])]
        donors = np.where(present.any(axis=0), donors, np.nan)
    filled = np.where(missing, donors[None, :], values)
    counts = (missing & ~np.isnan(filled)).sum(axis=1)
    return filled, [int(c) for c in counts]


def detect_units_in_values(
    values: npt.NDArray[np.floating],
    columns: Sequence[str],
    *,
    label_evidence: Sequence[str] = (),
    column_labels: Mapping[str, Sequence[str]] | None = None,
    fill_values: npt.NDArray[np.floating] | None = None,
) -> list[UnitCall]:
    """``values`` is samples × features (one row per entry of ``columns``).

    ``values`` may be a chunk of a larger matrix's samples (each call is per column); then
    ``fill_values`` must be the whole matrix's first present value per feature, so that a missing
    cell is filled as it would be with the whole matrix at hand.
    """
    if values.shape[0] != len(columns):
        raise ValueError(f"{values.shape[0]} rows of values for {len(columns)} columns")
    per_column = column_labels or {}
    filled, n_filled = _fill_from_other_samples(values, fill_values)
    calls = []
    for i, name in enumerate(columns):
        # a column's own labels (its #VALUE line) speak before the study's (file name, processing text)
        labels = [*per_column.get(name, ()), *label_evidence]
        call = detect_column(name, values[i], labels)
        if n_filled[i] and call.unit == "fpkm":
            # FPKM is what a per-million column looks like once missing cells took part of its sum;
            # the filled column answers only that question (its grid mixes samples, so CPM vs TPM
            # and everything else stay with the column as deposited).
            refilled = detect_column(name, filled[i], labels)
            if refilled.unit in {"tpm", "cpm"} and refilled.is_log == call.is_log:
                note = f"{n_filled[i]} missing cells filled from other samples restore a per-million sum"
                call = UnitCall(
                    name, refilled.unit, refilled.is_log, refilled.confidence, f"{refilled.evidence}; {note}"
                )
        calls.append(call)
    return calls


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
