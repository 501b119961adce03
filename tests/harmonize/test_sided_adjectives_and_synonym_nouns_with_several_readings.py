"""An organ adjective after side words reads as the sided name UBERON lists (``left ventricular`` →
left ventricle: the heart's alone, though the bare adjective has several readings); an adjective
whose noun is only a synonym of one term while UBERON labels several unrelated structures with it
(``villous``: intestinal, chorionic, arachnoid villus) is reported as ambiguous, never picked — but a
noun with a single other, foreign-lineage label keeps its usual reading (``appendiceal``)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.schemas import Annotation


def _tissue(value: str) -> Annotation:
    return next(a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("left ventricular tissue", "UBERON:0002084"),
        ("right atrial tissue", "UBERON:0002078"),
    ],
)
def test_an_adjective_after_side_words_reads_as_the_sided_name(value: str, term: str) -> None:
    assert _tissue(value).term_id == term


def test_a_synonym_noun_that_heads_several_labels_is_ambiguous() -> None:
    found = _tissue("villous tissue")
    assert found.term_id is None and found.method == "unmapped"
    assert found.reason is not None and "UBERON:0007106" in found.reason and "UBERON:0001213" in found.reason


def test_a_synonym_noun_with_one_foreign_label_keeps_its_reading() -> None:
    assert _tissue("appendiceal tissue").term_id == "UBERON:0001154"
