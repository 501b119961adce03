"""A tissue word followed by "equivalent(s)" names a tissue engineered or grown to stand in for it
(reconstructed skin, an organoid region), as "-like" does: no tissue term is emitted. The tissue
written alone keeps its reading."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value) if a.field == "tissue" and a.term_id]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    "value",
    [
        "human skin equivalent",
        "full-thickness skin equivalents",
        "dorsal forebrain equivalent",
        "epidermal equivalent, day 10",
        "cornea equivalent",
    ],
)
def test_an_equivalent_is_no_tissue(value: str) -> None:
    assert _tissue(value) is None


@pytest.mark.parametrize(
    ("value", "term"),
    [("human skin", "UBERON:0002097"), ("dorsal forebrain", "UBERON:0001890"), ("cornea", "UBERON:0000964")],
)
def test_the_tissue_alone_keeps_its_reading(value: str, term: str) -> None:
    assert _tissue(value) == term
