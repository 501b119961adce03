"""Family: adipocytes written with the word that picks one kind or depot of fat ("omental adipocytes",
"subcutaneous adipocytes", "brown adipocyte", "epicardial adipocytes"): adipocytes come from adipose
tissue, and the word names the kind or depot UBERON files under it (omental fat pad, subcutaneous
adipose tissue, brown adipose tissue, epicardial fat), method ``cell_type_origin``. A word naming no
kind or depot of fat (isolated, primary) leaves adipose tissue."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("key", "value", "depot"),
    [
        ("cell type", "omental adipocytes", "UBERON:0010414"),
        ("tissue", "omental adipocytes from 3 donors", "UBERON:0010414"),
        ("cell type", "subcutaneous adipocytes", "UBERON:0002190"),
        ("tissue", "isolated subcutaneous adipocytes", "UBERON:0002190"),
        ("cell type", "brown adipocytes", "UBERON:0001348"),
        ("tissue", "brown adipocyte", "UBERON:0001348"),
        ("cell type", "epicardial adipocytes", "UBERON:0015129"),
    ],
)
def test_the_depot_is_the_tissue(key: str, value: str, depot: str) -> None:
    assert tissue_picks(key, value) == [(depot, "cell_type_origin")]


@pytest.mark.parametrize("value", ["adipocytes", "isolated adipocytes", "primary adipocytes"])
def test_adipocytes_with_no_depot_word_come_from_adipose_tissue(value: str) -> None:
    assert tissue_picks("cell type", value) == [("UBERON:0001013", "cell_type_origin")]
