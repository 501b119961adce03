"""The age an explicit notation inside a free-text value states, and the stage that age implies."""

from __future__ import annotations

from rnacorpus.harmonize.ontology.age import AgeParse
from rnacorpus.harmonize.ontology.build import age_annotation, implied_stage
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.stage import stage_for_age
from rnacorpus.schemas import Annotation

__all__ = ["age_in_value"]


def age_in_value(
    key: str | None, value: str, age: AgeParse, taxid: int | None, index: OntologyIndex, stage_named: bool
) -> list[Annotation]:
    """The parsed age of ``value`` and, unless the value names a stage itself, the stage it implies."""
    out = [age_annotation(key, value, age, 0.9, None)]
    stage = stage_for_age(age, taxid, index)
    if stage is not None and not stage_named:
        out.append(implied_stage(key, value, stage, index))
    return out
