"""Two tissue phrases side by side: the second (the English head) is what was sampled, unless it only
names the first's class; a part every organ has is the organ's own (brain cortex: cerebral cortex).
UBERON terms of another lineage's own block (a Xenopus "bronchial tube") never name a mouse or human
sample. An adjective whose noun is a part of every organ (cortical) stays ambiguous."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.match import match_text


def _tissue(value: str, organism: str = "mouse", key: str = "tissue") -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism=organism) if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [("femur bone marrow", "UBERON:0002371"), ("breast milk", "UBERON:0001913")],
)
def test_the_second_of_two_adjacent_tissue_phrases_is_the_sample(value: str, term: str) -> None:
    assert _tissue(value) == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("quadriceps muscle", "UBERON:0001377"),  # "muscle" only names what the quadriceps is
        # a cortex of every organ: the brain's is the one UBERON names with the brain's adjective
        # ("cerebral cortex"), never the bare generic cortex
        ("brain cortex", "UBERON:0000956"),
        ("liver, kidney", "UBERON:0002107"),  # punctuation: a list, which keeps its first term
    ],
)
def test_a_class_word_a_part_of_every_organ_or_punctuation_keeps_the_earlier_decision(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_a_term_of_another_lineages_block_never_names_a_mouse_sample() -> None:
    index = get_index()
    amphibian = match_text("tissue", "bronchial tube", taxid=None, fuzzy=False, rewrites=False, index=index)
    assert amphibian is not None and amphibian.term_id.startswith("UBERON:3")  # Xenopus anatomy
    assert _tissue("bronchial tube") == "UBERON:0002185"  # for a mouse: the bronchus
    # the body of the (mammalian) stomach, the labelled set's first answer; no other lineage's corpus
    assert _tissue("stomach corpus, H. pylori infected", key="source_name") == "UBERON:0001161"


def test_an_adjective_of_a_part_every_organ_has_stays_ambiguous() -> None:
    found = [a for a in annotate_characteristic("tissue", "cortical tissue", organism="human") if a.field == "tissue"]
    assert found and found[0].term_id is None and "several terms" in (found[0].reason or "")


def test_ascites_as_sampled_is_the_ascitic_fluid() -> None:
    assert _tissue("malignant ascites", "human") == "UBERON:0007795"
