"""Family: "marrow" written without "bone" under a tissue-like key ("marrow", "marrow from femurs and
tibias", "Marrow, femoral"): the lead's s34 policy reads it as bone marrow (the reviewed row ``marrow``),
where the reader had taken the bones named beside it (femur) or nothing. A longer UBERON name holding
the word keeps its own term (zebrafish "kidney marrow" is the head kidney)."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

BONE_MARROW = "UBERON:0002371"


@pytest.mark.parametrize(
    ("value", "organism"),
    [
        ("marrow", "mouse"),
        ("Marrow", "human"),
        ("marrow from femurs and tibias", "mouse"),
        ("femoral marrow", "mouse"),
        ("marrow aspirate", "human"),
    ],
)
def test_marrow_is_bone_marrow(value: str, organism: str) -> None:
    assert [term for term, _ in tissue_picks("tissue", value, organism)] == [BONE_MARROW]


def test_a_longer_name_holding_the_word_keeps_its_term() -> None:
    assert tissue_picks("tissue", "kidney marrow", "zebrafish") == [("UBERON:0007132", "exact_synonym")]
