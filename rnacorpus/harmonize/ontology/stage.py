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
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.age import AgeParse
from rnacorpus.harmonize.ontology.curated import HUMAN, MOUSE
from rnacorpus.harmonize.ontology.index import OntologyIndex

__all__ = ["stage_for_age"]

_EMBRYONIC = {HUMAN: "HsapDv:0000002", MOUSE: "MmusDv:0000002"}
_FETAL = {HUMAN: "HsapDv:0000037", MOUSE: "MmusDv:0000031"}
_NEWBORN = {HUMAN: "HsapDv:0000262", MOUSE: "MmusDv:0000036"}
_POSTNATAL = {HUMAN: "HsapDv:0010000", MOUSE: "MmusDv:0000092"}
_UBERON_EMBRYO = "UBERON:0000068"
_MOUSE_FETAL_FROM_DAY = 15.0
_HUMAN_FETAL_FROM_DAY = 56.0
_HUMAN_NEWBORN_DAYS = 28.0


def _mouse_day_old(day: float, index: OntologyIndex) -> str | None:
    if not day.is_integer():
        return None
    found = index.lookup(f"{int(day)}-day-old stage", "casefold", ("stage",))
    return next((hit.term_id for hit in found if hit.term_id.startswith("MmusDv:")), None)


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
            return _NEWBORN[HUMAN] if value <= _HUMAN_NEWBORN_DAYS else _POSTNATAL[HUMAN]
        return None
    if unit in {"gestational week", "post-conception week"} and taxid == HUMAN:
        first_fetal_week = 10 if unit == "gestational week" else 9
        return _FETAL[HUMAN] if value >= first_fetal_week else _EMBRYONIC[HUMAN]
    return None


def _common_ancestor(first: str, second: str, index: OntologyIndex) -> str | None:
    a, b = index.ancestors(first), index.ancestors(second)
    shared = set(a) & set(b)
    return min(shared, key=lambda term: (a[term] + b[term], term)) if shared else None


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
