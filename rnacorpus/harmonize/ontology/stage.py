"""Development-stage terms implied by an age whose notation names a period of life.

Only explicit notations imply a stage (``E14.5``, ``P7``, ``20 wk gestation``); a plain ``45 years``
or ``8 weeks`` does not, because the text does not say so. Stage words (adult, fetal …) are curated
terms matched like any other value (``data/curated_terms.tsv``).

* embryonic days — mouse: embryonic stage below E15, fetal stage from E15 (MmusDv's Theiler 23
  boundary); human: embryonic stage below 56 days, fetal after; other species: UBERON embryo stage;
* postnatal days — mouse: newborn stage below P4, the ``N-day-old stage`` where MmusDv has one
  (P4-P13, P21-P27), else postnatal stage; human: newborn stage up to 28 days, else postnatal;
* gestational / post-conception weeks — human fetal stage (embryonic before week 10 / 9);
* a range takes the lowest common ancestor of the stages of its two ends.

A *plain* age (``45 years``, ``8 weeks``, ``6 months``, a number of days with a TimeUnit) implies a
stage too, with method ``age_stage`` and lower confidence than a stated stage
(:func:`stage_from_age_span`): HsapDv and MmusDv state the age span of most of their postnatal
stages in the label (``45-year-old stage``, ``8-week-old stage``, ``21-day-old stage``,
``newborn stage (0-28 days)``, ``15-19 year-old``, ``80 year-old and over stage``); the age is
placed in the narrowest span that holds it. Nothing is listed by hand: a new release's stages are
read the same way. A range takes the lowest common stage of its ends; a censored age (``>89``) the
narrowest span holding every age past its bound.
"""

from __future__ import annotations

import functools
import math
import re

from rnacorpus.harmonize.ontology.age import AgeParse
from rnacorpus.harmonize.ontology.curated import HUMAN, MOUSE
from rnacorpus.harmonize.ontology.index import OntologyIndex

__all__ = ["stage_for_age", "stage_from_age_span"]

_EMBRYONIC = {HUMAN: "HsapDv:0000002", MOUSE: "MmusDv:0000002"}
_FETAL = {HUMAN: "HsapDv:0000037", MOUSE: "MmusDv:0000031"}
_NEWBORN = {HUMAN: "HsapDv:0000262", MOUSE: "MmusDv:0000036"}
_POSTNATAL = {HUMAN: "HsapDv:0010000", MOUSE: "MmusDv:0000092"}
_UBERON_EMBRYO = "UBERON:0000068"
_MOUSE_FETAL_FROM_DAY = 15.0
_HUMAN_FETAL_FROM_DAY = 56.0
_HUMAN_NEWBORN_DAYS = 28.0


#: days per unit of a plain age (calendar averages: a month is 30.4375 days)
_DAYS = {"year": 365.25, "month": 30.4375, "week": 7.0, "day": 1.0, "hour": 1 / 24, "postnatal day": 1.0}
_UNIT_WORD = {"year": "year", "yo": "year", "years": "year", "month": "month", "months": "month", "week": "week",
              "day": "day", "days": "day"}  # fmt: skip
# Age spans in stage labels: "45-year-old stage", "newborn stage (0-28 days)", "15-19 year-old",
# "80 year-old and over stage", "20-month-old stage and over".
_ONE = re.compile(r"^(\d+)-(year|month|week|day)-old stage$")
_SPAN = re.compile(r"(?:^|\()(\d+)-(\d+)[ -](year|month|week|day|yo|years|months|days)\b")
_OPEN = re.compile(r"^(\d+)[ -](year|month|week|day)-old (?:stage )?and over")
_ONTOLOGY = {HUMAN: "HsapDv:", MOUSE: "MmusDv:"}


def _label_span(label: str) -> tuple[float, float, str] | None:
    """The ages (in days, end exclusive) a stage's label states, and the unit it states them in."""
    if match := _ONE.match(label):
        unit = match.group(2)
        return int(match.group(1)) * _DAYS[unit], (int(match.group(1)) + 1) * _DAYS[unit], unit
    if match := _OPEN.match(label):
        return int(match.group(1)) * _DAYS[match.group(2)], math.inf, match.group(2)
    if match := _SPAN.search(label):
        unit = _UNIT_WORD[match.group(3)]
        return int(match.group(1)) * _DAYS[unit], (int(match.group(2)) + 1) * _DAYS[unit], unit
    return None


@functools.lru_cache(maxsize=4)
def _spans(prefix: str, index: OntologyIndex) -> tuple[tuple[float, float, str, str], ...]:
    """(start, end, term, unit) of every live stage of one ontology whose label states an age span."""
    terms = index.tables["terms"]
    found = []
    for term_id, label, deprecated in zip(
        terms["term_id"].to_pylist(), terms["label"].to_pylist(), terms["deprecated"].to_pylist(), strict=True
    ):
        if term_id.startswith(prefix) and not deprecated and (span := _label_span(label)) is not None:
            found.append((span[0], span[1], term_id, span[2]))
    return tuple(sorted(found))


def _narrowest(low: float, high: float, taxid: int, index: OntologyIndex, unit: str | None = None) -> str | None:
    """The stage of the narrowest span holding every age in [low, high] (days); spans stated in the
    age's own unit first (``3 months`` is the 3-month-old stage, not the 13-week-old one)."""
    holding = [
        (end - start, term, u) for start, end, term, u in _spans(_ONTOLOGY[taxid], index) if start <= low and high < end
    ]
    own = [item for item in holding if item[2] == unit]
    return min(own or holding)[1] if holding else None


def stage_from_age_span(age: AgeParse, taxid: int | None, index: OntologyIndex) -> str | None:
    """The stage a plain age falls in, by the age spans the stage labels state (module docstring)."""
    if taxid not in _ONTOLOGY or age.unit not in _DAYS:
        return None
    days, unit = _DAYS[age.unit], age.unit.removeprefix("postnatal ")
    if age.value is not None:
        point = age.value * days + 1e-6  # 12 months is 365.25 days: inside the 1-year span, not before it
        return _narrowest(point, point, taxid, index, unit)
    if age.minimum is not None and age.maximum is not None:
        ends = [_narrowest(v * days + 1e-6, v * days + 1e-6, taxid, index, unit) for v in (age.minimum, age.maximum)]
        if ends[0] is None or ends[1] is None:
            return None
        return ends[0] if ends[0] == ends[1] else _common_ancestor(ends[0], ends[1], index)
    if age.minimum is not None and (age.qualifier or "").startswith(">"):
        return _open_ended(age.minimum * days, taxid, index)
    return None


def _open_ended(low: float, taxid: int, index: OntologyIndex) -> str | None:
    """A censored age (``>89``): the open-ended span (``80 year-old and over``) holding its bound."""
    spans = _spans(_ONTOLOGY[taxid], index)
    holding = [(start, term) for start, end, term, _ in spans if start <= low and end == math.inf]
    return max(holding)[1] if holding else None


def _mouse_day_old(day: float, index: OntologyIndex) -> str | None:
    """A mouse N days after birth: the stage whose span holds it (N-day-old, N-week-old …)."""
    return _narrowest(day + 1e-6, day + 1e-6, MOUSE, index, "day")


def _single(unit: str, value: float, taxid: int | None, index: OntologyIndex) -> str | None:
    if unit == "embryonic day":
        if taxid not in (HUMAN, MOUSE):
            return _UBERON_EMBRYO
        boundary = _MOUSE_FETAL_FROM_DAY if taxid == MOUSE else _HUMAN_FETAL_FROM_DAY
        return (_FETAL if value >= boundary else _EMBRYONIC)[taxid]
    if unit == "postnatal day":
        if taxid == MOUSE:
            return _NEWBORN[MOUSE] if value < 4 else _mouse_day_old(value, index) or _POSTNATAL[MOUSE]
        if taxid == HUMAN:
            if value <= _HUMAN_NEWBORN_DAYS:
                return _NEWBORN[HUMAN]
            return _narrowest(value + 1e-6, value + 1e-6, HUMAN, index, "day") or _POSTNATAL[HUMAN]
        return None
    if unit in {"gestational week", "post-conception week"} and taxid == HUMAN:
        first_fetal_week = 10 if unit == "gestational week" else 9
        return _FETAL[HUMAN] if value >= first_fetal_week else _EMBRYONIC[HUMAN]
    return None


def _common_ancestor(first: str, second: str, index: OntologyIndex) -> str | None:
    """The lowest common stage: a shared ancestor that is no ancestor of another shared one (every
    stage also hangs directly under the root, so the nearest by distance alone would be the root)."""
    a, b = index.ancestors(first), index.ancestors(second)
    shared = set(a) & set(b)
    lowest = [term for term in shared if not any(index.is_ancestor(term, other) for other in shared)]
    return min(lowest, key=lambda term: (a[term] + b[term], term)) if lowest else None


def stage_for_age(age: AgeParse, taxid: int | None, index: OntologyIndex) -> str | None:
    """The stage an explicit age notation implies, or None."""
    if age.unit is None or age.period is None:
        return None
    if age.value is not None:
        return _single(age.unit, age.value, taxid, index)
    if age.minimum is None or age.maximum is None:
        return None
    low = _single(age.unit, age.minimum, taxid, index)
    high = _single(age.unit, age.maximum, taxid, index)
    if low is None or high is None:
        return None
    return low if low == high else _common_ancestor(low, high, index)
