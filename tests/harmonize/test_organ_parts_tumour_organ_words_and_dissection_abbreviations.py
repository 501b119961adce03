"""An organ followed by a part of it names the part; a tumour phrase naming its organ by a one-word
name gives that organ as the tissue; dissection abbreviations of the reviewed table name their region.
A phrase that only starts with an organ word never becomes another structure, and initials that name
something else as often stay unmapped."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.tissue_forms import organ_parts


def _tissue(key: str, value: str, organism: str = "human") -> tuple[str | None, str]:
    found = [a for a in annotate_characteristic(key, value, organism=organism) if a.field == "tissue"]
    return (found[0].term_id, found[0].method) if found else (None, "")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("esophageal squamous epithelium", "UBERON:0006920"),  # esophagus squamous epithelium
        ("oesophageal squamous epithelium", "UBERON:0006920"),  # British spelling of the adjective
        ("distal colon epithelium", "UBERON:0000397"),  # colonic epithelium: the side word dropped
        ("gastric antrum mucosa", "UBERON:0004997"),  # mucosa of pyloric antrum, a part of the stomach
    ],
)
def test_an_organ_then_a_part_of_it_names_the_part(value: str, term: str) -> None:
    assert _tissue("tissue", value)[0] == term


def test_organ_part_rewrites_try_each_organ_name_before_and_after_the_part() -> None:
    rewrites = list(organ_parts("renal pelvis wall", lambda t: "K" if t == "renal" else None, lambda _: ["kidney"]))
    assert ("kidney pelvis wall", "K") in rewrites and ("pelvis wall of kidney", "K") in rewrites


def test_a_phrase_starting_with_an_organ_word_is_not_read_as_another_structure() -> None:
    # "liver donor": nothing in UBERON is a part of the liver named "donor"; the organ stays the answer
    assert _tissue("tissue", "liver donor tissue")[0] == "UBERON:0002107"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("prostate tumor", "UBERON:0002367"),  # prostate = prostate gland, in "prostate neoplasm"
        ("Prostate tumour", "UBERON:0002367"),
    ],
)
def test_a_tumour_phrase_gives_the_organ_its_disease_shares_a_word_with(value: str, term: str) -> None:
    assert _tissue("tissue", value) == (term, "disease_site")
    disease = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "disease"]
    assert disease and disease[0].term_id  # the disease stays on its own field


def test_an_abbreviation_is_not_an_organ_word_of_a_tumour() -> None:
    # capitals are initials, never a one-word organ name
    assert _tissue("tissue", "ALL blasts")[1] != "disease_site"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("DRG", "UBERON:0000044"),
        ("SCN", "UBERON:0002034"),
        ("NAc", "UBERON:0001882"),
        ("VTA", "UBERON:0002691"),
        ("PVN", "UBERON:0001930"),
        ("BNST", "UBERON:0001880"),
        ("quads", "UBERON:0001377"),
    ],
)
def test_dissection_abbreviations_name_their_region(value: str, term: str) -> None:
    assert _tissue("tissue", value, "mouse") == (term, "curated")


@pytest.mark.parametrize("value", ["TA cells", "TG"])
def test_initials_that_name_something_else_as_often_stay_unmapped(value: str) -> None:
    assert _tissue("tissue", value, "mouse")[0] is None
