"""Family: a tissue-type word written beside cells ("villous mesenchymal fibroblast cells", "mesenchymal
fibroblasts", "placental mesenchymal fibroblasts"): epithelium and mesenchyme are classes UBERON divides
into dozens of named kinds, and beside a cell kind the word says what the cells are, not which kind
of the tissue they were taken from — the generic class is never the answer. Cells whose own kind has
an origin keep it; a tissue with an organ's place (bone marrow) beside cells stays their origin."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    "value", ["Human Villous Mesenchymal Fibroblast Cells", "mesenchymal fibroblasts", "Mesenchymal Fibroblast Cells"]
)
def test_the_tissue_type_is_no_tissue_of_the_cells(value: str) -> None:
    assert tissue_picks("cell type", value) == []


@pytest.mark.parametrize(
    "value", ["bone marrow neutrophils", "bone marrow-derived mast cells", "bone marrow macrophages"]
)
def test_a_tissue_with_a_place_stays_the_cells_origin(value: str) -> None:
    assert tissue_picks("cell type", value) == [("UBERON:0002371", "cell_type_origin")]
