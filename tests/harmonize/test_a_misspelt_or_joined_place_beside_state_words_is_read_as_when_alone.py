"""A place written misspelt or with joined words beside words of the donor's state (``adult
prostrate``, ``normal ovaray``, ``Fetal duramater``, ``adult skin-lesional``) is read as it is when
written alone: the state word gave a reading of its own, and the misspelt or hyphen-joined place,
tried only when nothing was found, was never tried. The state words keep their readings; a value of
state words alone gives no place."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _fields(value: str) -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism="human")}


@pytest.mark.parametrize(
    ("value", "term", "state"),
    [
        ("adult prostrate", "UBERON:0002367", "development_stage"),
        ("normal ovaray", "UBERON:0000992", "disease"),
        ("adult Epididymus", "UBERON:0001301", "development_stage"),
        ("Fetal duramater", "UBERON:0002363", "development_stage"),
        ("adult skin-lesional", "UBERON:0002097", "development_stage"),
        ("normal Muscularis-colon-sigmoid", "UBERON:0035805", "disease"),
    ],
)
def test_the_place_is_read_beside_the_state(value: str, term: str, state: str) -> None:
    found = _fields(value)
    assert found.get("tissue") == term
    assert found.get(state)


def test_state_words_alone_give_no_place() -> None:
    assert "tissue" not in _fields("adult male")
