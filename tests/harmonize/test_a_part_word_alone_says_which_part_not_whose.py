"""A tissue value that is one word naming a part UBERON specializes per organ — "<part> of <organ>" or
"<adjective> <part>" for three or more unrelated organs, filed under the generic part — says which
part but not whose (``septum``: cardiac, lingual, of telencephalon, of scrotum; ``capsule``;
``medulla``; ``stroma``). The tissue stays unmapped with the organs' parts in the reason. A part of
few or nested readings (``digits``), a word UBERON only shares with other organs' parts (``tail``:
the tail of the pancreas is no post-anal tail), a kind of tissue or structure standing on its own
(``epithelium``, ``vein``), a part written with its organ (``kidney capsule``) and a reviewed row
(``bone``) keep their terms."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.schemas import Annotation


def _tissue(value: str) -> Annotation:
    (found,) = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found


@pytest.mark.parametrize(
    ("value", "reading"),
    [
        ("septum", "UBERON:0002099"),  # cardiac septum among the readings
        ("capsule", "UBERON:0001746"),  # capsule of thyroid gland
        ("medulla", "UBERON:0000362"),  # renal medulla
        ("stroma", "UBERON:0001779"),  # iris stroma
        ("Medulla tissue", "UBERON:0000362"),  # filler words do not name the organ
    ],
)
def test_a_part_word_alone_is_unmapped_with_its_organs_parts(value: str, reading: str) -> None:
    found = _tissue(value)
    assert found.term_id is None
    assert found.reason is not None and reading in found.reason and "which organ's is not said" in found.reason


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("digits", "UBERON:0002544"),  # of the hand or the foot: the digit
        ("tail", "UBERON:0002415"),  # post-anal tail; "tail of pancreas" only shares the word
        ("kidney capsule", "UBERON:0002015"),
        ("heart septum", "UBERON:0002099"),
        ("myocardium", "UBERON:0002349"),  # each chamber's, all in the heart
        ("bone", "UBERON:0001474"),  # reviewed row
        ("epithelium", "UBERON:0000483"),  # a kind of tissue
        ("vein", "UBERON:0001638"),  # a kind of vessel
    ],
)
def test_a_part_with_one_reading_or_its_organ_keeps_its_term(value: str, term: str) -> None:
    assert _tissue(value).term_id == term
