"""Family: "subcutaneous" written alone as a tissue (any case, bookkeeping beside it): the lead's s34
policy reads it as the hypodermis (reviewed row, ``where=whole``), where the reader had taken
UBERON's superficial fascia. Inside longer values the word stays an adjective: with fat, adipocytes or
a stromal-vascular fraction it names the subcutaneous depot, and with "adipose" in parentheses before
it the depot stands (:mod:`.whole_value`), not the hypodermis the depot is part of."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

HYPODERMIS = "UBERON:0002072"
SUBCUTANEOUS_FAT = "UBERON:0002190"


@pytest.mark.parametrize(
    ("value", "organism"),
    [
        ("subcutaneous", "human"),
        ("Subcutaneous", "mouse"),
        ("SUBCUTANEOUS", "human"),
        ("Subcutaneous (replicate 2)", "mouse"),
    ],
)
def test_subcutaneous_alone_is_the_hypodermis(value: str, organism: str) -> None:
    assert tissue_picks("tissue", value, organism) == [(HYPODERMIS, "curated")]


@pytest.mark.parametrize(
    "value",
    [
        "subcutaneous fat",
        "subcutaneous svf",
        "subcutaneous adipocytes",
        "adipose (subcutaneous)",
        "Adipose - Subcutaneous",
    ],
)
def test_with_fat_named_it_is_the_subcutaneous_depot(value: str) -> None:
    assert [term for term, _ in tissue_picks("tissue", value, "human")] == [SUBCUTANEOUS_FAT]
