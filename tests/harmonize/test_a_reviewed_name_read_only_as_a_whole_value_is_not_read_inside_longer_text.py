"""A reviewed row marked ``where`` = whole names its term only when it is the whole value (other words
at most filler): a word that is also part of other names depositors shorten (``caudate`` beside the
liver's caudate lobe, ``gut`` in gut microbiota, gut content). Inside longer text such a row is not
read, so the value's other words decide or nothing is answered; every other row is still read there."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.curated import curated_table

CAUDATE_NUCLEUS, DIGESTIVE_TRACT = "UBERON:0001873", "UBERON:0001555"
LEFT_VENTRICLE, KIDNEY = "UBERON:0002084", "UBERON:0002113"


def _tissues(key: str, value: str) -> list[str]:
    return [
        a.term_id for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue" and a.term_id
    ]


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("caudate", CAUDATE_NUCLEUS),
        ("human caudate tissue", CAUDATE_NUCLEUS),
        ("Gut", DIGESTIVE_TRACT),
        ("human gut", DIGESTIVE_TRACT),
    ],
)
def test_the_row_names_its_term_as_the_whole_value(value: str, tissue: str) -> None:
    assert _tissues("tissue", value)[:1] == [tissue]


@pytest.mark.parametrize(
    ("key", "value", "not_this"),
    [
        ("tissue", "caudate lobe", CAUDATE_NUCLEUS),
        ("tissue", "gut microbiota", DIGESTIVE_TRACT),
        ("tissue", "gut content", DIGESTIVE_TRACT),
    ],
)
def test_inside_longer_text_the_row_is_not_read(key: str, value: str, not_this: str) -> None:
    assert not_this not in _tissues(key, value)


@pytest.mark.parametrize(("value", "tissue"), [("Heart_LV_sham_1", LEFT_VENTRICLE), ("renal cell carcinoma", KIDNEY)])
def test_rows_not_marked_whole_are_still_read_inside_longer_text(value: str, tissue: str) -> None:
    assert _tissues("source_name", value)[:1] == [tissue]


def test_only_some_rows_are_whole_only() -> None:
    whole = {entry.text for entry in curated_table().entries if entry.whole_only}
    assert {"caudate", "gut"} <= whole
    assert "renal" not in whole and "hippocampus" not in whole  # adjectives and listed names read anywhere
