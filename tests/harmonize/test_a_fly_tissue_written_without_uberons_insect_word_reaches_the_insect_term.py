"""Family: UBERON labels the terms of its insect block (imported from FBbt) with a leading "insect"
(``insect wing disc``, ``insect haltere disc``, ``insect eye-antennal disc``), which a fly depositor
never writes (``wing discs``). For a named insect species the value is read with the lineage word
before it when nothing else reads it whole. Not when a word of the value states the donor's stage or
sex ("adult brain" stays the brain of an adult), and not for another or unknown species (the
vertebrate reading of the same words may be meant)."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

FLY = "Drosophila melanogaster"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("wing discs", "UBERON:6001778"),
        ("Wing disc", "UBERON:6001778"),
        ("haltere discs", "UBERON:6001779"),
        ("eye-antennal discs", "UBERON:6001766"),
    ],
)
def test_the_insect_term_is_reached(value: str, term: str) -> None:
    assert [found for found, _ in tissue_picks("tissue", value, FLY)] == [term]


def test_a_stage_word_keeps_the_plain_reading() -> None:
    assert [found for found, _ in tissue_picks("tissue", "adult brain", FLY)] == ["UBERON:0000955"]


@pytest.mark.parametrize("organism", ["human", "mouse"])
def test_no_insect_term_for_another_species(organism: str) -> None:
    assert not any(term.startswith("UBERON:6") for term, _ in tissue_picks("tissue", "wing discs", organism) if term)
