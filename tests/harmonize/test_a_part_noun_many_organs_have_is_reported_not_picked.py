"""A one-word tissue value that is only a synonym of one term, while UBERON labels several unrelated
structures "<noun> of <organ>" or "<adjective> <noun>" with it, names a part many organs have:
``fundus`` is the eye's by synonym, but also the stomach's, the gallbladder's, the bladder's and the
uterus's. The value is reported ambiguous with the readings, never picked; a fuzzy guess does not
step in for an adjective whose noun is so reported (``villous tissue``). A noun that is the last word
of labels such as "suspensory ligament of lens" is not their head: ``lens`` stays the lens."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.schemas import Annotation


def _tissue(value: str) -> Annotation:
    (found,) = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found


def test_fundus_alone_is_reported_with_the_organs_that_have_one() -> None:
    found = _tissue("fundus")
    assert found.term_id is None and found.reason is not None
    assert "UBERON:0001160" in found.reason and "UBERON:0003951" in found.reason  # stomach's and eye's


def test_an_adjective_of_such_a_noun_is_not_guessed_by_fuzzy_matching() -> None:
    assert _tissue("villous tissue").term_id is None


def test_a_noun_ending_labels_of_other_heads_keeps_its_term() -> None:
    assert _tissue("lens").term_id == "UBERON:0000965"
