"""Family: a cell kind written as its modifier before the name of the broader kind it is one of
("granule neurons", "Kupffer macrophages", "mitral neurons"): CL names the kind "<modifier> cell" and
files it under the written head, which the reader kept alone. The CL kind is the cells; a modifier
whose "<modifier> cell" is no kind of the head (an organ word, a state) leaves the head."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks

GRANULE_CELL, NEURON, MACROPHAGE = "CL:0000120", "CL:0000540", "CL:0000235"


@pytest.mark.parametrize(
    ("value", "organism", "term"),
    [
        ("granule neurons", "mouse", GRANULE_CELL),
        ("Primary granule neurons", "rat", GRANULE_CELL),
        ("dentate gyrus (DG) granule neurons", "mouse", GRANULE_CELL),
        ("cerebellar granule neurons", "mouse", "CL:0001031"),  # CL's cerebellar granule cell
    ],
)
def test_granule_neurons_are_granule_cells(value: str, organism: str, term: str) -> None:
    assert cell_picks("cell type", value, organism) == [term]


def test_a_modifier_naming_a_kind_of_macrophage_names_it() -> None:
    assert cell_picks("cell type", "Kupffer macrophages", "mouse") == ["CL:0000091"]


@pytest.mark.parametrize(("value", "head"), [("cultured neurons", NEURON), ("activated macrophages", MACROPHAGE)])
def test_a_modifier_naming_no_kind_of_the_head_leaves_it(value: str, head: str) -> None:
    assert cell_picks("cell type", value, "mouse") == [head]
