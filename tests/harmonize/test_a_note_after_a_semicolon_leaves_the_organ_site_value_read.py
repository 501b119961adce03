"""An "Organ - site" value followed by a note after a semicolon (``Brain - Cortex; control``,
``Brain - Cortex; healthy donor``) keeps its site: the note names no tissue (status, donor,
replicate), and the shape is read before it. Before, any semicolon broke the shape and the organ won
(brain). A semicolon after which a tissue is named (``liver; kidney``) is a list, unchanged."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Brain - Cortex; control", "UBERON:0000956"),
        ("Brain - Cortex; healthy donor", "UBERON:0000956"),
        ("Heart - Left Ventricle; donor 5", "UBERON:0002084"),
        ("Brain - Hippocampus; normal", "UBERON:0002421"),
    ],
)
def test_the_site_before_the_note_is_the_tissue(value: str, term: str) -> None:
    assert _tissue(value) == term


@pytest.mark.parametrize(("value", "term"), [("liver; kidney", "UBERON:0002107"), ("lung; control", "UBERON:0002048")])
def test_a_tissue_after_the_semicolon_keeps_the_list_reading(value: str, term: str) -> None:
    assert _tissue(value) == term
