"""A word naming a period of life written beside an organ (``adult skin``, ``fetal heart``) is an age,
not a place: under a cell-type key, where no development-stage field reads it, it must not be taken
for an unread word naming one of the organ's parts (``adult skin`` gave skin of head, because UBERON
uses "adult" in a name under the skin). The organ is the tissue, as under a tissue key."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


@pytest.mark.parametrize(
    ("value", "organism", "term"),
    [
        ("adult skin", "mouse", "UBERON:0002097"),  # skin of body, as under a tissue key
        ("adult skin", "human", "UBERON:0002097"),
        ("fetal skin", "mouse", "UBERON:0002097"),
    ],
)
def test_an_age_word_beside_an_organ_under_a_cell_type_key_leaves_the_organ(
    value: str, organism: str, term: str
) -> None:
    under_tissue = [a for a in annotate_characteristic("tissue", value, organism=organism) if a.field == "tissue"]
    under_cells = [a for a in annotate_characteristic("cell type", value, organism=organism) if a.field == "tissue"]
    assert [a.term_id for a in under_cells] == [a.term_id for a in under_tissue] == [term]


def test_a_place_word_beside_the_organ_still_names_its_part() -> None:
    (found,) = [
        a
        for a in annotate_characteristic("cell type", "gastric antral biopsy", organism="mouse")
        if a.field == "tissue"
    ]
    assert found.term_id == "UBERON:0001165"  # pyloric antrum
