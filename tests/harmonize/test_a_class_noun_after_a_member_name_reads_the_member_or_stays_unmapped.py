"""A class noun (muscle, bone, nerve …) with an unread word before it: the word names a member of the
class and the member is the answer (or, for an organ word, the organ's own part of the class, or the
organ whose parts the class's members are); an anatomical word naming none leaves the tissue unmapped with
the reason, never answered by the coarser class; a word saying what happened to the tissue (a state,
a genotype, an age) keeps the class."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.schemas import Annotation

MUSCLE_TISSUE = "UBERON:0002385"


def _tissue(value: str, organism: str = "mouse") -> Annotation:
    found = [a for a in annotate_characteristic("tissue", value, organism=organism) if a.field == "tissue"]
    assert found, value
    return found[0]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("triceps muscle", "UBERON:0001509"),  # a single-word synonym of triceps brachii, a shoulder muscle
        ("tibial bone", "UBERON:0000979"),  # the organ adjective of the tibia, a long bone
        ("mandibular bone", "UBERON:0001684"),  # mandibul-ar: the mandible (Latin -ula)
        ("nasopharyngeal mucosa", "UBERON:0005022"),  # the organ's own part of the class: mucosa of nasopharynx
        ("calvarial bone", "UBERON:0004339"),  # the skull vault, whose parts are the bones named
        ("femoral bone", "UBERON:0000981"),  # femoral: UBERON's name pairs (neck of femur / femoral neck …)
    ],
)
def test_a_word_naming_a_member_of_the_class_gives_the_member(value: str, term: str) -> None:
    assert _tissue(value).term_id == term


@pytest.mark.parametrize("value", ["optic bone", "buccal bone"])
def test_an_anatomical_word_naming_no_member_leaves_the_tissue_unmapped(value: str) -> None:
    found = _tissue(value)
    assert found.term_id is None and found.method == "unmapped"
    assert found.reason is not None and "coarser" in found.reason


def test_optic_nerve_head_is_not_answered_by_the_class_nerve() -> None:
    # "head" after "nerve" is itself read as a part every organ has (nerve of head region …); the
    # reviewed table reads the whole name as the optic disc (UBERON's related synonym), never the bare
    # class "nerve"
    found = _tissue("optic nerve head")
    assert found.term_id == "UBERON:0001783" and found.method == "curated"


@pytest.mark.parametrize("value", ["dystrophic muscle", "regenerating muscle", "mdx muscle", "adult muscle"])
def test_a_state_genotype_or_age_before_the_class_keeps_the_class(value: str) -> None:
    assert _tissue(value).term_id == MUSCLE_TISSUE


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("thalamus", "UBERON:0001897"),
        ("calvaria", "UBERON:0004339"),
        ("growth plate", "UBERON:0002516"),
        ("foreskin", "UBERON:0001471"),
        ("VAT", "UBERON:0035818"),  # visceral adipose tissue, beside SAT
    ],
)
def test_common_names_uberon_does_not_list_are_reviewed_lines(value: str, term: str) -> None:
    assert _tissue(value, "human").term_id == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("mesenteric LN", "UBERON:0002509"),  # our LN stands for lymph node: "mesenteric lymph node"
        ("popliteal LN", "UBERON:0001543"),
    ],
)
def test_an_abbreviated_class_composes_with_the_word_before_it(value: str, term: str) -> None:
    assert _tissue(value).term_id == term


def test_capitals_before_the_class_noun_are_read_as_a_members_initials() -> None:
    # TA: tibialis anterior, but also transversus abdominis — several members, reported, not the class
    found = _tissue("TA muscle")
    assert found.term_id is None and found.reason is not None
    assert "UBERON:0001385" in found.reason and "UBERON:0001221" in found.reason
    # capitals that are no member's initials (a genotype) keep the class
    assert _tissue("WT muscle").term_id == MUSCLE_TISSUE
