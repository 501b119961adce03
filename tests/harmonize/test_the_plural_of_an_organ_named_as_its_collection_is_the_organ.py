"""A plural UBERON lists only as an exact synonym of a collection term (``lungs``: pair of lungs;
``carpal bones``: carpal skeleton) is the member organ its singular labels, when that organ is a direct
part of the collection — the organ sampled, as ``kidneys`` is kidney. Probes: Bgee's and MetaSRA's
curators record ``lungs`` as the lung. A collection whose singular names no member of it keeps the
collection (``eyelashes``, ``teeth``), and a plural synonym of a term that is no collection keeps that
term (``nerves``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, get_index
from rnacorpus.harmonize.ontology.collection_members import member_of_collection
from rnacorpus.harmonize.ontology.index import Hit
from rnacorpus.harmonize.ontology.match import match_text


def _tissue(value: str, organism: str | None = "human") -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism=organism) if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "organ"),
    [
        ("lungs", "UBERON:0002048"),  # lung, not the pair of lungs
        ("Lungs", "UBERON:0002048"),
        ("carpal bones", "UBERON:0001435"),  # carpal bone, not the carpal skeleton
        ("metacarpal bones", "UBERON:0002374"),
        ("deciduous teeth", "UBERON:0007115"),  # deciduous tooth, not the primary dentition
        ("kidneys", "UBERON:0002113"),  # no collection: the plural rule alone, unchanged
    ],
)
def test_the_plural_gives_the_member_organ(value: str, organ: str) -> None:
    assert _tissue(value) == organ
    assert _tissue(value, "mouse") == organ


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("eyelashes", "UBERON:0010168"),  # the eyelash is not filed as part of the collection
        ("teeth", "UBERON:0003672"),  # "tooth" names several terms, none a part of the dentition
        ("pair of lungs", "UBERON:0000170"),  # the collection by its label is kept
    ],
)
def test_no_member_keeps_the_term_the_name_gives(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_a_plural_synonym_of_a_term_that_is_no_collection_keeps_the_term() -> None:
    # "nerves" is a synonym of nerve itself: the matcher keeps nerve (alone in a value the bare plural
    # of a class then stays unmapped, test_a_structure_class_written_alone_in_the_plural_…)
    found = match_text("tissue", "nerves", taxid=9606, fuzzy=False)
    assert found is not None and found.term_id == "UBERON:0001021"


def test_only_a_synonym_of_a_collection_with_one_member_label_is_read_as_the_member() -> None:
    index = get_index()
    pair, lung, liver = "UBERON:0000170", "UBERON:0002048", "UBERON:0002107"
    lungs = Hit(pair, "exact_synonym", "lungs")

    def singular(*hits: Hit) -> Callable[[], list[Hit]]:
        return lambda: list(hits)

    assert member_of_collection(index, lungs, singular(Hit(lung, "label", "lung"))) == lung
    # the label of the collection itself is no plural written for the members
    assert (
        member_of_collection(index, Hit(pair, "label", "pair of lungs"), singular(Hit(lung, "label", "lung"))) is None
    )
    # a singular that is no part of the collection, or two singular labels, leave the collection
    assert member_of_collection(index, lungs, singular(Hit(liver, "label", "liver"))) is None
    assert (
        member_of_collection(index, lungs, singular(Hit(lung, "label", "lung"), Hit(liver, "label", "liver"))) is None
    )

    # a synonym of a term that is no collection: the singular is not even looked up
    def unasked() -> list[Hit]:
        raise AssertionError("looked up")

    assert member_of_collection(index, Hit(lung, "exact_synonym", "x"), unasked) is None
