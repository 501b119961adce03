"""Reviewed cell-type rows (family: frequent GEO cell words CL does not name as written): "alpha cell(s)"
is the pancreatic A cell (CL gives the words only to a mouse retinal ganglion cell type, tagged
"(Mmus)"), "hematopoietic progenitor cells" the hematopoietic precursor cell (CL names only narrower
progenitors), "MEP" the megakaryocyte-erythroid progenitor also inside longer values ("Bone marrow
MEP"), for any organism."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks


@pytest.mark.parametrize(
    ("key", "value", "organism", "term"),
    [
        ("tissue", "alpha cell", "human", "CL:0000171"),
        ("cell type", "alpha cells", "mouse", "CL:0000171"),
        ("cell type", "pancreatic alpha cells", "human", "CL:0000171"),
        ("cell type", "Hematopoietic progenitor cells - Mobilized.", "human", "CL:0008001"),
        ("cell type", "cord blood hematopoietic progenitor cells", "human", "CL:0008001"),
        ("tissue", "Bone marrow MEP", "human", "CL:0000050"),
        ("cell type", "MEP", "mouse", "CL:0000050"),
    ],
)
def test_the_reviewed_kind(key: str, value: str, organism: str, term: str) -> None:
    assert cell_picks(key, value, organism) == [term]
