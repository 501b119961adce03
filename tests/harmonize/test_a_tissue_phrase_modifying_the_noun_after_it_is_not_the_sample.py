"""A tissue phrase written before an anatomical noun that heads the compound only modifies it: the
value names that other structure (``peripheral nerve sheath``, ``neural complex``), so the tissue is left
unmapped with the reason rather than answered with the modifier. A noun UBERON writes as "<noun> of
<structure>" (wall, layer, membrane) names a part of the organ, which keeps the organ; a word of
position (``brain area``, ``skin area``) says a place in the organ without saying which, so the organ
is the answer, not an abstention; a noun the term read already is (``ascites fluid``), or one after
punctuation, changes nothing. Values from GEOmetadb's tissue field (bioqc_geo all_tissues list)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.head_nouns import POSITION_WORDS
from rnacorpus.schemas import Annotation


def _tissue(value: str) -> Annotation:
    (found,) = [a for a in annotate_characteristic("tissue", value) if a.field == "tissue"]
    return found


@pytest.mark.parametrize(("value", "head"), [("peripheral nerve sheath", "sheath"), ("neural complex", "complex")])
def test_a_modifier_of_another_structure_is_no_answer(value: str, head: str) -> None:
    found = _tissue(value)
    assert found.term_id is None and found.reason is not None
    assert head in found.reason and "head of the compound" in found.reason


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("periinfarcted brain area", "UBERON:0000955"),  # brain
        ("unaffected healthy skin area", "UBERON:0002097"),  # skin of body
        ("middle meningeal artery wall", "UBERON:0010250"),  # the wall is the artery's own part
        ("ascites fluid", "UBERON:0007795"),  # ascitic fluid: already a fluid
        ("Human Synovial membrane", "UBERON:0002018"),  # the term read is a membrane
    ],
)
def test_a_part_noun_a_position_or_the_terms_own_noun_keeps_the_reading(value: str, term: str) -> None:
    assert _tissue(value).term_id == term


def test_a_noun_after_punctuation_is_no_head() -> None:
    assert _tissue("peripheral nerve, sheath").term_id == "UBERON:0001021"


def test_position_words_are_nouns_of_place_only() -> None:
    assert {"area", "region", "zone"} <= POSITION_WORDS
    assert not POSITION_WORDS & {"sheath", "complex", "wall", "cortex"}
