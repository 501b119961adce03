"""A tissue or cell word followed by "like" says what the sample resembles: ``EPITHELIAL-LIKE``
(MetaSRA's probe, under a cell-type key) was the tissue "epithelium", ``brain-like`` a part whose
UBERON label holds "-like", ``liver-like organoids`` the liver; ``hepatocyte-like cells`` took the
liver from the hepatocyte's origin. The likeness gives no tissue; a cell type named before "like" is
kept. Names UBERON or CL list with "like" in them, and the tissue alone, keep their terms."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _terms(key: str, value: str) -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic(key, value, organism="human")}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("cell type", "EPITHELIAL-LIKE"),
        ("cell type", "mesenchymal-like"),
        ("cell type", "brain-like"),
        ("tissue", "liver-like organoids"),
        ("source_name", "kidney like organoids, day 18"),
    ],
)
def test_a_likeness_gives_no_tissue(key: str, value: str) -> None:
    assert _terms(key, value).get("tissue") is None


@pytest.mark.parametrize(
    ("value", "cell_type"),
    [("hepatocyte-like cells", "CL:0000182"), ("cardiomyocyte-like cells", "CL:0000746")],
)
def test_cells_like_a_kind_keep_the_kind_but_not_its_organ(value: str, cell_type: str) -> None:
    terms = _terms("cell type", value)
    assert terms.get("cell_type") == cell_type
    assert terms.get("tissue") is None


@pytest.mark.parametrize(
    ("key", "value", "field", "term"),
    [
        ("tissue", "striatum-like amygdalar nuclei", "tissue", "UBERON:8440030"),
        ("cell type", "fibroblast-like synoviocytes", "cell_type", "CL:0002301"),
        ("cell type", "hepatocytes", "tissue", "UBERON:0002107"),
        ("tissue", "liver", "tissue", "UBERON:0002107"),
    ],
)
def test_names_with_like_and_plain_names_keep_their_terms(key: str, value: str, field: str, term: str) -> None:
    assert _terms(key, value).get(field) == term
