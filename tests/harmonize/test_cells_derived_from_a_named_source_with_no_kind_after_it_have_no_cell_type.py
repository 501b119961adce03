"""Family: "<source> derived <no cell kind> cells" ("hESC Derived CD184+ Cultured Cells", "iPSC derived
cultured cells"; a tissue word before "cells" is read by tissue_cells): the kind named is the source the
cells were made from, so the value names no cell type of its own — none, not the source's kind. A kind read across the
derivation word ("Bone Marrow Derived Cultured Mesenchymal Stem Cells") or after it stays, so do cells
before a closing "<source>-Derived" ("… Endothelial Cells, Dermal-Derived"), and cells
named before a "from" whose source is itself derived are the cells ("Chondrocytes from Bone Marrow
Derived Mesenchymal Stem Cells")."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks


@pytest.mark.parametrize(
    "value",
    [
        "hESC Derived CD184+ Cultured Cells",
        "hESC Derived CD56+ Cultured Cells",
        "iPSC derived cultured cells",
    ],
)
def test_no_kind_after_the_source_is_no_cell_type(value: str) -> None:
    assert cell_picks("cell type", value) == []


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("cell type", "Bone Marrow Derived Cultured Mesenchymal Stem Cells", "CL:0002540"),
        ("cell type", "monocyte-derived macrophages", "CL:0000235"),
        ("source_name", "Chondrocytes_from_Bone_Marrow_Derived_Mesenchymal_Stem_Cell_Cultured_Cells", "CL:0000138"),
        ("cell type", "macrophages derived from monocytes", "CL:0000235"),
        ("cell type", "Normal Adult Human Blood Microvascular Endothelial Cells, Dermal-Derived", "CL:0011030"),
    ],
)
def test_a_kind_on_the_cells_side_stays(key: str, value: str, term: str) -> None:
    assert cell_picks(key, value) == [term]
