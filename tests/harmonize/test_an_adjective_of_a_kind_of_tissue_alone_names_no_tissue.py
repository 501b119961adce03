"""``neural``, ``lymphoid``, ``haematopoietic progenitor``: a lone adjective that UBERON's label of a kind
of tissue is made of ("<adjective> tissue": neural tissue, lymphoid tissue, hematopoietic tissue)
describes what the cells are like, not which tissue they were taken from, and gives no tissue (before,
the kind of tissue was picked). The kind written out (``lymphoid tissue``), an organ's adjective
(``tonsillar``), a noun (``cartilage``) and a reviewed row (``adipose``) are read as before."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    "value", ["neural", "lymphoid", "haematopoietic progenitor", "hematopoietic", "Neural progenitors"]
)
def test_the_adjective_alone_gives_no_tissue(value: str) -> None:
    assert tissue_picks("tissue", value) == []


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("tissue", "lymphoid tissue", "UBERON:0001744"),
        ("source_name", "Human Lymphoid tissue", "UBERON:0001744"),
        ("tissue", "tonsillar", "UBERON:0002372"),
        ("tissue", "cartilage", "UBERON:0002418"),
        ("tissue", "adipose", "UBERON:0001013"),
        ("tissue", "hepatic", "UBERON:0002107"),
    ],
)
def test_a_written_kind_an_organ_adjective_or_a_noun_is_read(key: str, value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks(key, value)] == [term]
