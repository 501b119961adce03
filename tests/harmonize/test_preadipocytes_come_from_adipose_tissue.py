"""Family: preadipocytes (the reviewed origin row preadipocyte → adipose tissue, as for adipocytes):
written with a depot word they come from that depot ("subcutaneous preadipocytes" → subcutaneous
adipose tissue, "omental preadipocytes" → omental fat pad); made in a dish they come from no tissue."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

ADIPOSE, SUBCUTANEOUS, OMENTAL = "UBERON:0001013", "UBERON:0002190", "UBERON:0010414"


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("preadipocytes", ADIPOSE),
        ("primary human preadipocytes", ADIPOSE),
        ("subcutaneous preadipocytes", SUBCUTANEOUS),
        ("Omental preadipocytes", OMENTAL),
    ],
)
def test_preadipocytes_come_from_their_depot(value: str, tissue: str) -> None:
    assert tissue_picks("cell type", value) == [(tissue, "cell_type_origin")]


def test_preadipocytes_made_in_a_dish_come_from_no_tissue() -> None:
    assert tissue_picks("cell type", "iPSC-derived preadipocytes") == []
