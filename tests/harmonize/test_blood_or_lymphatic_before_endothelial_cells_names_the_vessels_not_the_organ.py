"""Family: endothelial cells written with the word CL divides them by — the vessels they line ("Blood
Microvascular Endothelial Cells, Dermal-Derived", "lymphatic microvascular endothelial cells, lung-
derived"): blood and lymph are what the vessels carry, not the organ the cells were taken from. When
the cells' own kind has an origin (dermal microvascular endothelial cell → dermis) that is the tissue,
method ``cell_type_origin``; the word alone is never read as blood or lymphoid tissue then. Cells that
were taken from the blood itself (blood outgrowth endothelial cells) keep blood."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

DERMIS, LUNG = "UBERON:0002067", "UBERON:0002048"


@pytest.mark.parametrize(
    ("value", "organ"),
    [
        ("Normal Adult Human Blood Microvascular Endothelial Cells, Dermal-Derived", DERMIS),
        ("Neonatal Human Lymphatic Microvascular Endothelial Cells, Dermal-Derived", DERMIS),
        ("blood microvascular endothelial cells, dermal-derived", DERMIS),
        ("Human Lymphatic Microvascular Endothelial Cells, Lung-Derived", LUNG),
        ("Blood Microvascular Endothelial Cells, Lung-Derived", LUNG),
    ],
)
def test_the_cells_own_origin_is_the_tissue(value: str, organ: str) -> None:
    assert tissue_picks("cell type", value) == [(organ, "cell_type_origin")]


def test_cells_taken_from_the_blood_keep_it() -> None:
    assert tissue_picks("cell type", "blood outgrowth endothelial cells") == [("UBERON:0000178", "cell_type_origin")]
