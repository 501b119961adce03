"""A reviewed three-letter abbreviation with no vowel (HCC, RCC, CRC, DRG, CSF, PFC) spells no English
word, so written in lower case (GEOmetadb lower-cases its tissue values: "hcc tumor tissue", "rcc
tumor") it is still the abbreviation, inside longer values too, and a tumour type gives its organ. One
with a vowel (SAT, BAT, ARC, ALL) is a word in lower case and must be written as listed."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

LIVER, KIDNEY, COLORECTUM = "UBERON:0002107", "UBERON:0002113", "UBERON:0012652"
DRG, CSF, PFC = "UBERON:0000044", "UBERON:0001359", "UBERON:0000451"
SAT, BAT, ARC, ALL_LEUKEMIA = "UBERON:0002190", "UBERON:0001348", "UBERON:0001932", "MONDO:0004967"


def _terms(key: str, value: str, field: str, organism: str = "human") -> list[str]:
    found = annotate_characteristic(key, value, organism=organism)
    return [a.term_id for a in found if a.field == field and a.term_id]


@pytest.mark.parametrize(
    ("value", "organ"),
    [
        ("hcc tissue", LIVER),
        ("recurrent hcc", LIVER),
        ("primary rcc", KIDNEY),
        ("Rcc tumour", KIDNEY),
        ("papillary rcc primary tumor", KIDNEY),
        ("crc primary tumor", COLORECTUM),
    ],
)
def test_a_lower_case_tumour_abbreviation_gives_its_organ(value: str, organ: str) -> None:
    assert _terms("tissue", value, "tissue") == [organ]


LUMBAR_DRG = "UBERON:0002836"


@pytest.mark.parametrize(("value", "term"), [("drg", DRG), ("lumbar drg", LUMBAR_DRG), ("csf", CSF), ("pfc", PFC)])
def test_a_lower_case_structure_abbreviation_names_the_structure(value: str, term: str) -> None:
    assert _terms("tissue", value, "tissue", "mouse")[:1] == [term]


@pytest.mark.parametrize(("value", "term"), [("sat", SAT), ("bat", BAT), ("arc", ARC)])
def test_an_abbreviation_with_a_vowel_is_a_word_in_lower_case(value: str, term: str) -> None:
    assert term not in _terms("tissue", value, "tissue", "mouse")


def test_a_vowelled_disease_abbreviation_still_needs_its_case() -> None:
    assert ALL_LEUKEMIA not in _terms("disease state", "all", "disease")
