"""Family: CL labels that name where the kind developed with "derived" ("naive thymus-derived
CD8-positive, alpha-beta T cell", "neural crest derived neuron", "medial ganglionic eminence derived
interneuron"): such cells are taken from elsewhere (naive T cells from the blood or spleen), so the
structure gives no cell_type_origin tissue; the reviewed origin of a listed ancestor still does."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("cell type", "CD8+ naive T cells"),
        ("cell type", "naive CD4+ T cells"),
        ("source_name", "CD8_Naive_Primary_Cells"),
        ("cell type", "neural crest derived neurons"),
    ],
)
def test_the_structure_the_kind_developed_in_is_no_tissue(key: str, value: str) -> None:
    assert tissue_picks(key, value) == []


def test_a_tissue_written_beside_the_cells_still_counts() -> None:
    value = "Primary T CD8+ naive cells from peripheral blood"
    assert tissue_picks("cell type", value) == [("UBERON:0000178", "cell_type_origin")]
