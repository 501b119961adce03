"""A part word with several readings (``atrium``: cardiac, alveolar or future cardiac atrium;
``fundus``: of the stomach, uterus, gallbladder or eye) is read as the one reading that is a part of
the organ the same value names, wherever in the value the organ is written; alone, or beside an organ
none of its readings belongs to, it stays as it was."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> tuple[str | None, str]:
    found = [a for a in annotate_characteristic("source_name", value, organism="human") if a.field == "tissue"]
    return (found[0].term_id, found[0].method) if found else (None, "")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Atrium cDNA library Human heart", "UBERON:0002081"),
        ("Atrium library from human heart", "UBERON:0002081"),
        ("Fundus library, human stomach", "UBERON:0001160"),
    ],
)
def test_the_reading_inside_the_named_organ_is_the_sample(value: str, term: str) -> None:
    assert _tissue(value)[0] == term


def test_alone_the_part_word_stays_ambiguous() -> None:
    assert _tissue("Atrium") == (None, "unmapped")


def test_beside_an_organ_none_of_its_readings_belongs_to_the_organ_stays() -> None:
    assert _tissue("Atrium cDNA library, human kidney")[0] == "UBERON:0002113"


def test_a_reading_outside_a_narrower_structure_named_is_no_answer() -> None:
    # "segment" has a reading inside the lung (bronchopulmonary segment) but not inside the left upper
    # lobe the value also names: the lobe is the answer, not the lung's generic segment
    assert _tissue("Lung - Inferior segment of left upper lobe")[0] == "UBERON:0008952"
