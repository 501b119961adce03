"""``wnt1-mammary gland tumors``, ``K14-skin``, ``Brca1-mammary gland``: a gene or transgene symbol
(letters then one or two digits) glued by a hyphen to the organ word after it names the model, not
the organ; the organ words are read without it (before, "wnt1-mammary" was one unread word and only
"gland" was read). Marker signs (``CD4-positive``) and line names (``MCF-7``) keep their hyphen."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("wnt1-mammary gland tumors", "UBERON:0001911"),
        ("Brca1-mammary gland", "UBERON:0001911"),
        ("Wnt1-mammary tumor", "UBERON:0001911"),
        ("K14-skin", "UBERON:0002097"),
        ("Pdx1-pancreas", "UBERON:0001264"),
    ],
)
def test_the_organ_after_the_symbol_is_read(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value, organism="mouse")] == [term]


def test_a_marker_sign_keeps_its_hyphen() -> None:
    found = annotate_characteristic("cell type", "CD4-positive T cells", organism="human")
    assert [a.term_id for a in found if a.field == "cell_type"] == ["CL:0000624"]
