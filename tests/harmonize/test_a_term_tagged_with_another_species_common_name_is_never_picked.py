"""CL also tags some kinds with the species' common name after a comma ("CD16-negative, CD56-bright
natural killer cell, human", "ILC1, human"): for a value of another named organism the term is no hit
(a mouse value keeps the head kind it writes), for the species itself or an unknown organism it is.
The same reading serves the marker reader (:mod:`rnacorpus.harmonize.ontology.cell_markers`), which
had its own copy of the tags."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology.species_tags import of_another_species
from tests.harmonize.cell_picks import cell_picks

_HUMAN_CD56_BRIGHT_NK, NK_CELL = "CL:0000938", "CL:0000623"


@pytest.mark.parametrize(
    "value", ["CD56-bright natural killer cells", "CD16-negative, CD56-bright natural killer cell"]
)
def test_a_mouse_value_keeps_the_head_kind(value: str) -> None:
    assert cell_picks("cell type", value, "mouse") == [NK_CELL]


@pytest.mark.parametrize("value", ["CD56-bright natural killer cells", "CD16-negative, CD56-bright NK cells"])
def test_the_species_itself_gets_the_tagged_term(value: str) -> None:
    assert cell_picks("cell type", value, "human") == [_HUMAN_CD56_BRIGHT_NK]


@pytest.mark.parametrize(
    ("label", "taxid", "other"),
    [
        ("CD16-negative, CD56-bright natural killer cell, human", 10090, True),
        ("CD16-negative, CD56-bright natural killer cell, human", 9606, False),
        ("CD16-negative, CD56-bright natural killer cell, human", None, False),
        ("some kind, mouse", 9606, True),
        ("B cell, CD19-positive", 10090, False),  # a marker after the comma, no species
    ],
)
def test_the_common_name_tag_is_read_from_the_label(label: str, taxid: int | None, other: bool) -> None:
    assert of_another_species(label, taxid) is other
