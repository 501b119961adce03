"""``whole`` before the name of an animal kind (``whole fish``, ``whole mouse``, ``whole mice``,
``whole zebrafish``, ``whole tadpole``) means the animal was sampled whole: the multicellular organism.
Before an organ (``whole mouse brain``, ``whole rat kidney``) it is the organ; ``whole embryo`` stays
the embryo; plants (``whole seedling``) get no UBERON term."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

ORGANISM = "UBERON:0000468"


def _tissue(value: str, organism: str = "mouse") -> str | None:
    found = {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism=organism)}
    return found.get("tissue")


@pytest.mark.parametrize(
    "value", ["whole fish", "Whole Fish", "whole mouse", "whole mice", "whole zebrafish", "whole tadpole", "whole rat"]
)
def test_whole_animal_kind_is_the_organism(value: str) -> None:
    assert _tissue(value) == ORGANISM


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("whole mouse brain", "UBERON:0000955"),
        ("whole rat kidney", "UBERON:0002113"),
        ("whole embryo", "UBERON:0000922"),
    ],
)
def test_whole_before_an_organ_is_the_organ(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_a_whole_plant_gets_no_animal_term() -> None:
    assert _tissue("whole seedling", organism="Arabidopsis thaliana") is None
