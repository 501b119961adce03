"""Family: a cell kind written after an organ word ("Human Renal Epithelial cells", "Non-Pigment Ciliary
Epithelial Cells", "bronchial smooth muscle cells", "uterine NK cells") is CL's kind of the head whose
label puts that organ word, or one of the organ's names (kidney for renal), before the head's label
(:mod:`rnacorpus.harmonize.ontology.organ_cell_kinds`). A CL kind whose label adds words the value does
not write ("kidney capillary endothelial cell" for "kidney endothelial cells") is not the cells; several
kinds equally near leave the head."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Human Renal Epithelial cells (normal)", "CL:0002518"),
        ("renal epithelial cells", "CL:0002518"),
        ("kidney epithelial cells", "CL:0002518"),
        ("Human Non-Pigment Ciliary Epithelial Cells", "CL:0002304"),
        ("bronchial smooth muscle cells", "CL:0002598"),
        ("uterine NK cells", "CL:4052028"),
    ],
)
def test_the_organs_kind_is_the_cells(value: str, term: str) -> None:
    assert cell_picks("cell type", value) == [term]


@pytest.mark.parametrize(
    ("value", "organism", "term"),
    [
        ("kidney endothelial cells", "mouse", "CL:0000115"),  # CL's kidney kinds add "capillary", "glomerular" …
        ("Hematopoietic progenitor cells - Mobilized.", "human", "CL:0008001"),  # reviewed row, not a narrower kind
    ],
)
def test_kinds_adding_unwritten_words_leave_the_head(value: str, organism: str, term: str) -> None:
    assert cell_picks("cell type", value, organism) == [term]
