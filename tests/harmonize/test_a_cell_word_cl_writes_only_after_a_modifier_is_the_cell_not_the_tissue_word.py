"""A cell name CL writes only after a modifier (``hair cell``: sensory, auditory, vestibular,
cochlear inner hair cell) is read from the reviewed table as the cell, not as the tissue its first
word names alone: ``hair cells`` were a strand of hair. A modifier CL does name keeps the narrower
cell and its origin; ``hair`` alone is still the hair."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _terms(key: str, value: str) -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic(key, value, organism="mouse") if a.term_id}


@pytest.mark.parametrize(("key", "value"), [("cell type", "hair cells"), ("tissue", "hair cells, P5")])
def test_hair_cells_are_sensory_cells(key: str, value: str) -> None:
    terms = _terms(key, value)
    assert terms.get("cell_type") == "CL:0000855"
    assert terms.get("tissue") != "UBERON:0001037"


def test_a_named_modifier_keeps_the_narrower_cell_and_its_origin() -> None:
    assert _terms("cell type", "cochlear hair cells") == {"cell_type": "CL:4023120", "tissue": "UBERON:0001844"}


def test_hair_alone_is_the_hair() -> None:
    assert _terms("tissue", "hair").get("tissue") == "UBERON:0001037"
