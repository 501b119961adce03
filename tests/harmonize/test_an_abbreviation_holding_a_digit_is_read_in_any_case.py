"""A reviewed abbreviation shorter than four letters must be written as listed (``ALL``, ``MS``, ``RA``
are also words), unless it holds a digit: no English word does, so ``ca1`` (GEOmetadb lower-cases its
tissue values) is the CA1 field and ``t2d`` type 2 diabetes, inside longer values too."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

CA1, T2D, ALL_LEUKEMIA = "UBERON:0003881", "MONDO:0005148", "MONDO:0004967"


def _terms(key: str, value: str, field: str) -> list[str]:
    found = annotate_characteristic(key, value, organism="mouse")
    return [a.term_id for a in found if a.field == field and a.term_id]


@pytest.mark.parametrize("value", ["ca1", "brain ca1", "ca1 subregions of the hippocampus", "CA1"])
def test_the_field_is_read_whatever_its_case(value: str) -> None:
    assert _terms("tissue", value, "tissue")[:1] == [CA1]


def test_a_disease_abbreviation_with_a_digit_is_read_in_lower_case() -> None:
    assert _terms("disease", "t2d", "disease") == [T2D]


def test_a_short_abbreviation_without_a_digit_still_needs_its_case() -> None:
    assert ALL_LEUKEMIA not in _terms("disease state", "all", "disease")
