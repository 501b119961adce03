"""Family: cells made in a dish from a cell line ("myotubes differentiated from the HSMM cell line",
"adipocytes derived from the 3T3-L1 cell line", "neurons differentiated from SH-SY5Y cell line"): a
line is no tissue, so neither is what is made from it — the organ the product's kind comes from
(skeletal muscle for myotubes, adipose tissue for adipocytes) is not the sample's tissue. The same
cells written without the line keep their origin."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    "value",
    [
        "Normal human skeletal muscle myotubes differentiated from the HSMM cell line",
        "skeletal muscle myotubes derived from a myoblast cell line",
        "adipocytes derived from the 3T3-L1 cell line",
        "hepatocytes differentiated from HepaRG cell line",
    ],
)
def test_no_tissue_is_derived(value: str) -> None:
    assert tissue_picks("cell type", value) == []


@pytest.mark.parametrize(
    ("value", "organ"),
    [
        ("skeletal muscle myotubes", "UBERON:0001134"),
        ("adipocytes", "UBERON:0001013"),
        ("hepatocytes", "UBERON:0002107"),
    ],
)
def test_the_same_cells_without_a_line_keep_their_origin(value: str, organ: str) -> None:
    assert tissue_picks("cell type", value) == [(organ, "cell_type_origin")]
