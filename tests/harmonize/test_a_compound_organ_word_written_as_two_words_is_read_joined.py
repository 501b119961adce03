"""``ventral mid brain``, ``hind brain``, ``wind pipe``: a compound organ word written as two words is
read as the joined word when that word names a tissue and the two words together name nothing (before,
the second word alone was read: the brain for "mid brain"). A two-word name UBERON lists (``brain
stem``, ``fore limb``) is read as it is, and words whose join names nothing stay apart."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("ventral mid brain (vmb)", "UBERON:0001891"),
        ("mid brain", "UBERON:0001891"),
        ("E12.5 Hind Brain", "UBERON:0002028"),
        ("fore brain, embryonic day 11", "UBERON:0001890"),
        ("wind pipe", "UBERON:0003126"),
    ],
)
def test_the_joined_word_is_read(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value, organism="mouse")] == [term]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("brain stem", "UBERON:0002298"),
        ("fore limb", "UBERON:0002102"),
        ("lymph node", "UBERON:0000029"),
        ("whole brain", "UBERON:0000955"),
    ],
)
def test_a_listed_name_or_words_that_join_to_nothing_stay_as_written(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value, organism="mouse")] == [term]


def test_a_joined_word_is_reported_as_a_repair() -> None:
    assert tissue_picks("tissue", "mid brain", organism="mouse") == [("UBERON:0001891", "fuzzy")]
