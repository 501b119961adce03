"""CL files some cell kinds of one species with a binomial tag in the label (``alpha retinal ganglion
cell (Mmus)``) and their synonyms without it ("alpha cell", "retinal ganglion cell A"). For a value of
another named organism such a term is no hit: a human "alpha cell" is no mouse retinal ganglion cell,
and neither the cell type nor the retina as its origin is picked. A mouse value, or one of unknown
organism, keeps the term."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.species_tags import of_another_species

_MOUSE_ALPHA_RGC = "CL:0004117"


def _terms(key: str, value: str, organism: str | None) -> set[str]:
    return {a.term_id for a in annotate_characteristic(key, value, organism=organism) if a.term_id}


@pytest.mark.parametrize("organism", ["human", "rat"])
@pytest.mark.parametrize(
    ("key", "value"),
    [("cell type", "alpha cell"), ("tissue", "alpha cell"), ("cell type", "retinal ganglion cell A")],
)
def test_another_species_never_gets_the_mouse_only_term(key: str, value: str, organism: str) -> None:
    assert _MOUSE_ALPHA_RGC not in _terms(key, value, organism)


@pytest.mark.parametrize("key", ["cell type", "tissue"])
def test_a_bare_alpha_cell_of_another_species_gives_no_retina(key: str) -> None:
    assert "UBERON:0000966" not in _terms(key, "alpha cell", "human")


@pytest.mark.parametrize("organism", ["mouse", None])
def test_the_species_itself_or_an_unknown_one_keeps_it(organism: str | None) -> None:
    assert _MOUSE_ALPHA_RGC in _terms("cell type", "retinal ganglion cell A", organism)


@pytest.mark.parametrize(
    ("label", "taxid", "other"),
    [
        ("alpha retinal ganglion cell (Mmus)", 9606, True),
        ("alpha retinal ganglion cell (Mmus)", 10090, False),
        ("alpha retinal ganglion cell (Mmus)", None, False),
        ("some bird cell (Aves)", 9606, False),  # a class, no binomial of our taxa: says nothing
        ("pancreatic A cell", 9606, False),
    ],
)
def test_the_tag_is_read_from_the_label(label: str, taxid: int | None, other: bool) -> None:
    assert of_another_species(label, taxid) is other
