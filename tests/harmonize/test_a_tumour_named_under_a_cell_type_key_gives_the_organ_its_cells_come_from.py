"""Family: a tumour named under a cell-type key ("colon carcinoma cell line", "breast cancer cells",
"human lung adenocarcinoma", "hepatocellular carcinoma cells"): the cells are the tumour's, and the
organ the tumour is sited in is where they come from, read by the same disease-site rule as under
tissue and source keys (method ``disease_site``). Not this family: a tumour whose name gives no organ
(melanoma, Burkitt lymphoma) or names its cells' kind by a word before "cell" (T cell leukaemia, plasma
cell myeloma), and a word beside "cells" that MONDO lists only as a one-word synonym of a tumour
(``luminal`` cells, ``basal`` cells describe the cells)."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "organ"),
    [
        ("colon carcinoma cell line", "UBERON:0001155"),
        ("breast cancer cells", "UBERON:0000310"),
        ("prostate cancer cells", "UBERON:0002367"),
        ("human lung adenocarcinoma", "UBERON:0002048"),
        ("hepatocellular carcinoma cells", "UBERON:0002107"),
        ("renal cell carcinoma cells", "UBERON:0002113"),
        ("pancreatic ductal adenocarcinoma cells", "UBERON:0001264"),
        ("ovarian cancer cells", "UBERON:0000992"),
    ],
)
def test_the_tumours_organ_is_the_tissue(value: str, organ: str) -> None:
    assert tissue_picks("cell type", value) == [(organ, "disease_site")]


@pytest.mark.parametrize(
    "value",
    [
        "melanoma cells",
        "Burkitt lymphoma cells",
        "T cell leukemia cells",
        "plasma cell myeloma cells",
        "luminal cells",
    ],
)
def test_a_tumour_naming_no_organ_or_a_word_describing_the_cells_gives_none(value: str) -> None:
    assert tissue_picks("cell type", value) == []
