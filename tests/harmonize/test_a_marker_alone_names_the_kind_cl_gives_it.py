"""Family: a population named only by one CD marker and generic words ("CD14_Primary_Cells", "CD19+
cells", "CD14-positive cells"): the kind CL's own marker-positive names give the marker (CD14-positive
monocyte → monocyte; "B cell, CD19-positive" under "lymphocyte of B lineage, CD19-positive" → B cell).
A marker CL ties to kinds of several lineages (CD16, CD27), names with another marker only (CD56), or
not at all (CD15), a minus sign, or two markers with no kind give no cell type."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks

MONOCYTE, B_CELL = "CL:0000576", "CL:0000236"


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("source_name", "CD14_Primary_Cells", MONOCYTE),
        ("cell type", "CD14+ cells", MONOCYTE),
        ("cell type", "CD14-positive cells from peripheral blood", MONOCYTE),
        ("source_name", "CD19_Primary_Cells_Cord_BI", B_CELL),
        ("cell type", "CD19+ cells", B_CELL),
        ("cell type", "sorted CD19 positive cells", B_CELL),
    ],
)
def test_one_marker_names_the_kind_cl_gives_it(key: str, value: str, term: str) -> None:
    assert cell_picks(key, value) == [term]


@pytest.mark.parametrize(
    "value",
    ["CD16+ cells", "CD27+ cells", "CD56_Primary_Cells", "CD15_Primary_Cells", "CD14- cells", "CD4+CD25+ cells"],
)
def test_a_marker_cl_ties_to_no_one_kind_gives_no_cell_type(value: str) -> None:
    assert cell_picks("cell type", value) == []
