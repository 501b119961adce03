"""``limbal`` is the adjective of the limbus — the corneal limbus, UBERON's corneo-scleral junction,
which UBERON names only as "corneal limbus" — not of the limb: stripping its ending gave "limb".
The reviewed table reads ``limbal`` and ``limbus``; cells named with the word come from the limbus
(``limbal epithelial stem cells``: CL's label says "of cornea", the tuning split's label the limbus).
The limb keeps its own names."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

LIMBUS = "UBERON:0006761"


def _tissue(key: str, value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tissue", "limbal"),
        ("tissue", "limbus"),
        ("tissue", "limbal biopsy"),
        ("cell type", "limbal epithelial stem cells"),
        ("cell type", "limbal fibroblasts"),
    ],
)
def test_the_limbal_word_is_the_limbus(key: str, value: str) -> None:
    assert _tissue(key, value) == LIMBUS


@pytest.mark.parametrize(("value", "term"), [("limb", "UBERON:0002101"), ("limb bud", "UBERON:0004347")])
def test_the_limb_keeps_its_names(value: str, term: str) -> None:
    assert _tissue("tissue", value) == term
