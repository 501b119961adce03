"""Turning decisions into :class:`~rnacorpus.schemas.Annotation` values (label and release filled in)."""

from __future__ import annotations

from rnacorpus.harmonize.ontology.age import AgeParse
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.releases import release_of
from rnacorpus.schemas import Annotation

__all__ = ["age_annotation", "age_stage", "implied_stage", "mapped", "recorded", "unmapped"]


def mapped(
    field: str,
    key: str | None,
    value: str,
    term_id: str,
    method: str,
    confidence: float,
    index: OntologyIndex,
    *,
    reason: str | None = None,
    label: str | None = None,
) -> Annotation:
    return Annotation(
        field=field,
        raw_key=key,
        raw_value=value,
        term_id=term_id,
        term_label=label or index.label(term_id),
        method=method,
        confidence=round(confidence, 3),
        ontology_release=release_of(term_id),
        reason=reason,
    )


def unmapped(field: str, key: str | None, value: str, reason: str) -> Annotation:
    return Annotation(field=field, raw_key=key, raw_value=value, method="unmapped", confidence=0.0, reason=reason)


def recorded(field: str, key: str | None, value: str, reason: str) -> Annotation:
    """A field kept as deposited text (strain, genotype, treatment, an unknown cell line name)."""
    return Annotation(field=field, raw_key=key, raw_value=value, method="recorded", confidence=1.0, reason=reason)


def implied_stage(key: str | None, value: str, stage_id: str, index: OntologyIndex) -> Annotation:
    """The development stage an age notation implies (``E14.5``, ``P7``, ``45 yrs`` in a human)."""
    return mapped(
        "development_stage", key, value, stage_id, "parsed", 0.85, index, reason="implied by the age notation"
    )


def age_stage(key: str | None, value: str, stage_id: str, index: OntologyIndex) -> Annotation:
    """The stage a plain age falls in (``45 years`` → 45-year-old stage): less sure than a stated stage."""
    why = "the stage whose age span holds the age"
    return mapped("development_stage", key, value, stage_id, "age_stage", 0.7, index, reason=why)


def age_annotation(key: str | None, value: str, age: AgeParse, confidence: float, reason: str | None) -> Annotation:
    if not age.parsed:
        return Annotation(
            field="age",
            raw_key=key,
            raw_value=value,
            method="unmapped",
            confidence=0.0,
            # a number without a unit is no age: the raw text stays, the reason says why
            reason=age.reason or "no unit for the age",
        )
    return Annotation(
        field="age",
        raw_key=key,
        raw_value=value,
        method="parsed",
        confidence=round(confidence, 3),
        reason=reason or age.reason,
        age_value=age.value,
        age_min=age.minimum,
        age_max=age.maximum,
        age_unit=age.unit,
        age_qualifier=age.qualifier,
    )
