"""A word at a value's edge that names the donor's state — health (normal, healthy), age (adult,
fetal, embryo) or sex — says nothing about the place. The rest of the value is read as a whole value,
so the spelling families that read whole values only (sided names, Latin plurals, "Organ - site",
organ adjectives before a part) reach it as they do without the word, and the word still gives its
own field. Disease names are not set apart: they may run on into the organ (lung adenocarcinoma)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _terms(value: str, key: str = "tissue", organism: str = "human") -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic(key, value, organism=organism)}


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("normal left atrial appendage", "UBERON:0006630"),  # left atrium auricular region, not both atria's
        ("adult renal cortices", "UBERON:0001225"),  # cortex of kidney, not the kidney
        ("healthy Muscle - Skeletal", "UBERON:0001134"),  # skeletal muscle tissue, not muscle tissue
        ("normal inguinal WAT", "UBERON:0010410"),  # inguinal fat pad, not white adipose tissue
        ("normal esophageal squamous epithelium", "UBERON:0006920"),  # not any squamous epithelium
        # read whole only once their parentheses were dropped, these lost the part the parenthesis names
        ("lymph node (mesenteric) (normal)", "UBERON:0002509"),  # mesenteric lymph node
        ("colon (transverse), normal", "UBERON:0001157"),  # transverse colon
        ("fat (epididymal) (normal)", "UBERON:0010412"),  # epididymal fat pad
    ],
)
def test_the_rest_reads_as_it_does_alone(value: str, tissue: str) -> None:
    assert _terms(value)["tissue"] == tissue


def test_the_state_word_still_gives_its_field() -> None:
    terms = _terms("normal left atrial appendage")
    assert terms["disease"] == "PATO:0000461"  # normal
    assert _terms("adult renal cortices")["development_stage"] is not None


def test_a_value_named_as_written_keeps_its_name() -> None:
    assert _terms("adult organism")["tissue"] == "UBERON:0007023"
    liver = [a for a in annotate_characteristic("tissue", "liver (adult)", organism="human") if a.field == "tissue"]
    assert [(a.term_id, a.method) for a in liver] == [("UBERON:0002107", "exact_label")]


def test_an_age_word_before_a_part_of_the_embryo_leaves_the_part() -> None:
    assert _terms("embryo head", organism="mouse")["tissue"] == "UBERON:0000033"  # head


def test_a_disease_name_is_not_set_apart_from_the_organ_it_runs_into() -> None:
    terms = _terms("lung adenocarcinoma tumor")
    assert terms["disease"] == "MONDO:0005061"  # lung adenocarcinoma, not adenocarcinoma
    assert terms["tissue"] == "UBERON:0002048"
