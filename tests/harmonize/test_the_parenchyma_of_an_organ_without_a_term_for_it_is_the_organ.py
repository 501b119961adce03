"""The parenchyma is an organ's own functional bulk, not a region of it: written after an organ that
UBERON gives no parenchyma term of its own (tuning's ``brain parenchyma``; ``breast parenchyma``,
``testicular parenchyma``, ``spinal cord parenchyma``), it is the organ, as "<organ> tissue" is —
the value was reported as ambiguous between the organ and UBERON's generic parenchyma. An organ with
its own term keeps it (``kidney parenchyma``: renal parenchyma), and a compound of an organ with a
layer UBERON places nowhere in it is not read as the organ (``uterine smooth muscle``: the reviewed table
names it the myometrium)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("brain parenchyma", "UBERON:0000955"),
        ("breast parenchyma", "UBERON:0000310"),
        ("testicular parenchyma", "UBERON:0000473"),
        ("spinal cord parenchyma", "UBERON:0002240"),
        ("kidney parenchyma", "UBERON:0008987"),  # renal parenchyma: the organ's own term
        ("lung parenchyma", "UBERON:0008946"),
        ("uterine smooth muscle", "UBERON:0001296"),  # a layer, not the bulk: the myometrium, never the uterus
    ],
)
def test_the_parenchyma_reads_the_organ(value: str, term: str | None) -> None:
    assert _tissue(value) == term
