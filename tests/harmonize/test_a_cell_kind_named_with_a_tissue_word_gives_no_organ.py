"""A CL label that is one tissue word before "cell" names a kind of cell, not where it lives: plasma
cells are antibody-secreting B cells (not cells of blood plasma), interstitial cells sit in many organs.
Such a name gives no tissue, unless the word is the organ's own UBERON label ("kidney cell")."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.implied import cell_origin
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.match import match_text


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("cell type", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize("value", ["plasma cells", "interstitial cells", "plasma cell"])
def test_the_kind_word_gives_no_tissue(value: str) -> None:
    assert _tissue(value) is None


@pytest.mark.parametrize(("name", "term"), [("kidney cell", "UBERON:0002113"), ("blood cell", "UBERON:0000178")])
def test_an_organ_label_before_cell_still_gives_the_organ(name: str, term: str) -> None:
    index = get_index()
    cell = match_text("cell_type", name, taxid=9606, fuzzy=False, index=index)
    assert cell is not None
    origin = cell_origin(cell, 9606, index)
    assert origin is not None and origin[0] == term
