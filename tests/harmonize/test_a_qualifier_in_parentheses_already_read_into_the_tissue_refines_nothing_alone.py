"""Family: a one-word qualifier in parentheses after a tissue (``adipose (subcutaneous)``, ``fat
(visceral)``, ``muscle (skeletal)``) that composes with it, "<qualifier> <tissue>", into the very term
the whole value already reads. The qualifier is then read; it must not be read a second time alone and
"refine" the term to the organ it makes up: "subcutaneous" alone is the hypodermis (reviewed row), and
subcutaneous adipose tissue is part of the hypodermis, yet the value names the fat. A part in
parentheses still refines (``Brain (cerebellum)``), and so does a depot adjective composing into a kind
of the tissue (``adipose tissue (epididymal)``)."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

SUBCUTANEOUS_FAT = "UBERON:0002190"
VISCERAL_FAT = "UBERON:0035818"
SKELETAL_MUSCLE_TISSUE = "UBERON:0001134"


@pytest.mark.parametrize(
    ("value", "organism", "term"),
    [
        ("adipose (subcutaneous)", "human", SUBCUTANEOUS_FAT),
        ("Adipose (Subcutaneous)", "mouse", SUBCUTANEOUS_FAT),
        ("fat (subcutaneous)", "human", SUBCUTANEOUS_FAT),
        ("adipose tissue (subcutaneous)", "mouse", SUBCUTANEOUS_FAT),
        ("Adipose Tissue (Subcutaneous)", "human", SUBCUTANEOUS_FAT),
        ("fat (visceral)", "human", VISCERAL_FAT),
        ("adipose tissue (visceral)", "mouse", VISCERAL_FAT),
        ("muscle (skeletal)", "human", SKELETAL_MUSCLE_TISSUE),
        ("Muscle (Skeletal)", "mouse", SKELETAL_MUSCLE_TISSUE),
    ],
)
def test_the_composed_tissue_stands(value: str, organism: str, term: str) -> None:
    assert [found for found, _ in tissue_picks("tissue", value, organism)] == [term]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Brain (cerebellum)", "UBERON:0002037"),  # a part in parentheses still refines the organ
        ("adipose tissue (epididymal)", "UBERON:0010412"),  # a depot adjective still composes: epididymal fat pad
        ("skeletal muscle (soleus)", "UBERON:0001389"),  # a tissue type still refines to the organ it makes up
    ],
)
def test_parts_and_other_qualifiers_still_refine(value: str, term: str) -> None:
    assert [found for found, _ in tissue_picks("tissue", value, "mouse")] == [term]
