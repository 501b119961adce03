"""``epithelial, ovarian carcinoma``: a part UBERON names per organ (epithelium, stroma), read as its
generic term and the value's only tissue, written beside a tumour whose site is an organ, is that
organ's part: the organ is the tissue, as the tumour phrase alone gives (a real GEO tissue value; before,
the generic epithelium). A metastasis keeps its own reading (the cancer's site is the primary's), and a
part already of an organ stays."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("epithelial, ovarian carcinoma", "UBERON:0000992"),
        ("stroma of breast carcinoma", "UBERON:0000310"),
        ("stroma, colorectal adenocarcinoma", "UBERON:0012652"),
    ],
)
def test_the_tumours_organ_is_the_tissue(value: str, term: str) -> None:
    assert tissue_picks("tissue", value) == [(term, "disease_site")]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("bronchial epithelium, lung cancer", "UBERON:0002031"),  # a part already of an organ stays
        ("epithelium, liver", "UBERON:0002107"),  # an organ written as such, as before
    ],
)
def test_a_part_of_a_named_organ_is_kept(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value)] == [term]


def test_a_metastasis_is_not_placed_at_its_primary() -> None:
    assert "UBERON:0002367" not in [t for t, _ in tissue_picks("source_name", "Prostate cancer (Bone metastasis)")]
