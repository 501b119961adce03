"""Family: cell populations written as CD markers with a sign and words qualifying a kind — glued
("CD4+CD45RO+ T cells"), after the kind ("Regulatory T cells CD4+,CD25+"), with underscores and no
sign (Roadmap's "CD8_Naive_Primary_Cells", "CD4_Memory_Primary_Cells"), with the kind split ("Primary T
CD8+ memory cells") — are the CL term one of whose names states every marker and qualifying word, under
the kind written (:mod:`rnacorpus.harmonize.ontology.cell_markers`). A marker alone that CL ties to
several kinds (a marker CL ties to one kind: test_a_marker_alone_names_the_kind_cl_gives_it), markers
that fit no name, and markers of a source the cells were derived from leave the reading as it was."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks


@pytest.mark.parametrize(
    ("key", "value", "organism", "term"),
    [
        ("cell type", "CD4+CD45RO+ T cells", "human", "CL:0001204"),
        ("cell type", "CD4+ CD45RO+ T cells", "human", "CL:0001204"),
        ("cell type", "CD4 memory T cells", "human", "CL:0000897"),
        ("source_name", "CD4_Memory_Primary_Cells", "human", "CL:0000897"),
        ("source_name", "CD8_Naive_Primary_Cells", "human", "CL:0000900"),
        ("source_name", "CD8_Memory_Primary_Cells", "human", "CL:0000909"),
        ("cell type", "Primary T CD8+ memory cells from peripheral blood", "human", "CL:0000909"),
        ("cell type", "naive CD8+ T cells", "mouse", "CL:0000900"),
        ("cell type", "Regulatory T cells CD4+,CD25+", "mouse", "CL:0000792"),
        ("cell type", "CD4+ central memory T cells", "human", "CL:0000904"),
    ],
)
def test_the_markers_name_the_kind(key: str, value: str, organism: str, term: str) -> None:
    assert cell_picks(key, value, organism) == [term]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Naive T cells: CD4+, CD25-", "CL:0000898"),  # no CL name states both markers: the head stays
        ("mouse spleen B cells, CD43-,CD11b-", "CL:0000236"),
        ("CD34+ HSPC-derived proerythroblasts", "CL:0000547"),  # the markers are the source's
    ],
)
def test_markers_no_name_states_leave_the_head(value: str, term: str) -> None:
    assert cell_picks("cell type", value, "mouse") == [term]


@pytest.mark.parametrize("value", ["CD34_Primary_Cells", "CD16_Primary_Cells_Peripheral_UW", "CD56 primary cells"])
def test_a_marker_cl_ties_to_several_kinds_alone_names_no_kind(value: str) -> None:
    assert cell_picks("source_name", value) == []
