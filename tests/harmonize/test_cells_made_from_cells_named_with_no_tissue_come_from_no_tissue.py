"""Family: "<name> cell derived <cells>" — cells made in a dish from other cells the value names
with no tissue ("HSMM cell derived Skeletal Muscle Myotubes Cells", "C2C12 cell derived myotubes",
"HUVEC cell derived tube cells"): the product's kind has an organ (skeletal muscle for myotubes), but
cells made from a culture come from no tissue. A tissue named on the source side is the source's
tissue and stays ("CD34+ cord blood cell-derived megakaryocytes": cord blood)."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    "value",
    [
        "HSMM cell derived Skeletal Muscle Myotubes Cells",
        "myoblast cell derived skeletal muscle myotubes",
        "satellite cell derived myotubes",
        "HSMM cells derived skeletal muscle myotubes",
    ],
)
def test_no_tissue_is_derived(value: str) -> None:
    assert tissue_picks("cell type", value) == []


def test_a_tissue_named_on_the_source_side_stays() -> None:
    picks = tissue_picks("cell type", "CD34+ cord blood cell-derived megakaryocytes")
    assert picks == [("UBERON:0012168", "cell_type_origin")]
