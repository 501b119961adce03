"""A blood fraction taken as the sample (``buffy coat``, the leukocyte layer of centrifuged blood) and a
dried blood spot (``bloodspot``, ``blood spot``, ``dried blood spot``: a Guthrie card) are blood; the
plasma and serum fractions keep their own terms."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

BLOOD = "UBERON:0000178"


def _tissue(value: str) -> str | None:
    found = {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism="human")}
    return found.get("tissue")


@pytest.mark.parametrize("value", ["buffy coat", "Buffy Coat", "bloodspot", "blood spots", "dried blood spot"])
def test_a_blood_fraction_is_blood(value: str) -> None:
    assert _tissue(value) == BLOOD


@pytest.mark.parametrize(("value", "term"), [("plasma", "UBERON:0001969"), ("serum", "UBERON:0001977")])
def test_plasma_and_serum_keep_their_terms(value: str, term: str) -> None:
    assert _tissue(value) == term
