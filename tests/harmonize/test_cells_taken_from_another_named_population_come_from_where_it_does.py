"""Family: cells taken from another named cell population ("lymphocytes from PBMC", "B cells from
PBMCs", "T cells isolated from PBMC", "NK cells purified from PBMCs"): the cells named first have no
fixed origin of their own, but they come from where the population after "from" does (peripheral blood
mononuclear cells → blood), method ``cell_type_origin``. A cell kind named alone with no origin of its
own (monocytes, B cells) still gives no tissue, and one with its own origin keeps it (hepatocytes)."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

BLOOD = "UBERON:0000178"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("cell type", "lymphocytes from PBMC"),
        ("cell type", "B cells from PBMCs"),
        ("cell type", "T cells isolated from PBMC"),
        ("cell type", "NK cells purified from PBMCs"),
        ("source_name", "monocytes isolated from peripheral blood mononuclear cells"),
    ],
)
def test_the_source_populations_origin_is_the_tissue(key: str, value: str) -> None:
    assert tissue_picks(key, value) == [(BLOOD, "cell_type_origin")]


@pytest.mark.parametrize("value", ["monocytes", "B cells", "lymphocytes"])
def test_a_cell_kind_alone_with_no_origin_gives_none(value: str) -> None:
    assert tissue_picks("cell type", value) == []


def test_a_cell_kind_with_its_own_origin_keeps_it() -> None:
    assert tissue_picks("cell type", "hepatocytes") == [("UBERON:0002107", "cell_type_origin")]
