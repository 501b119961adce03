"""Family: neural progenitors written with the adjective "neuronal" ("Neuronal Progenitor Cultured
Cells", "neuronal progenitors"), as CL itself writes the neural stem cell ("neuronal stem cell", an
exact synonym): the reviewed row ``neuronal progenitor`` reads them as CL's neural progenitor cell,
inside longer source names too; made in a dish they still come from no tissue."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks
from tests.harmonize.tissue_picks import tissue_picks

NEURAL_PROGENITOR = "CL:0011020"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("cell type", "neuronal progenitor cells"),
        ("cell type", "Neuronal progenitors"),
        ("source_name", "hESC_Derived_Neuronal_Progenitor_Cultured_Cells"),
        ("cell type", "primary neuronal progenitor cells, passage 3"),
    ],
)
def test_neuronal_progenitors_are_neural_progenitor_cells(key: str, value: str) -> None:
    assert cell_picks(key, value) == [NEURAL_PROGENITOR]


def test_neuronal_progenitors_made_in_a_dish_come_from_no_tissue() -> None:
    assert tissue_picks("tissue", "iPSC-derived neuronal progenitors") == []
