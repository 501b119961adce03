"""Replicate, batch and subject words written apart from their number (``appendix, replicate 2``,
``tonsillar tissue, rep 1``, ``renal cortices, biological replicate 3``) are sample bookkeeping, as the
glued ``rep1`` already was: the value is read whole, so the spelling families that read whole values
only (adjectives, Latin plurals, sided names) still apply. Before, ``renal cortices, replicate 2`` was
the kidney and ``tonsillar tissue, replicate 2`` nothing."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("appendix, replicate 2", "UBERON:0001154"),
        ("tonsillar tissue, rep 1", "UBERON:0002372"),
        ("renal cortices, biological replicate 3", "UBERON:0001225"),
        ("left atrial appendage, replicate 2", "UBERON:0006630"),
        ("hypothalamic tissue batch 4", "UBERON:0001898"),
        ("oesophagus, subject 12", "UBERON:0001043"),
    ],
)
def test_the_tissue_is_read_whole_beside_bookkeeping(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_without_bookkeeping_the_reading_is_the_same() -> None:
    assert _tissue("renal cortices") == _tissue("renal cortices, technical replicate 1") == "UBERON:0001225"
