"""``e16 embryonic cortex``, ``P7 cortex``: a mouse embryonic or postnatal day written as a code says
when the sample was taken, never whose part it is, so the part word beside it is as bare as alone (real
GEO tissue values; before, the code counted as an unread word and the generic cortex was picked). A part
written with its organ keeps the organ's part."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize("value", ["e16 embryonic cortex", "P7 cortex", "E14.5 cortex", "cortex p0", "e18.5 septum"])
def test_a_bare_part_with_a_day_code_is_not_mapped(value: str) -> None:
    assert tissue_picks("tissue", value, organism="mouse") == []


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("E18 cerebral cortex", "UBERON:0000956"),
        ("P7 kidney cortex", "UBERON:0001225"),
        ("P0 kidney", "UBERON:0002113"),
    ],
)
def test_a_part_with_its_organ_keeps_it(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value, organism="mouse")] == [term]
