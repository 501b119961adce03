"""A part every organ has, written first with its organ after a comma or in parentheses, is the
organ's own part, as the "Organ - part" order is: ``cortex (brain)`` was unmapped (the parenthesis
dropped, the bare part left), ``cortex, brain`` the generic cortex. A part with no organ after it, or
with two, keeps the bare part's answer."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("cortex (brain)", "UBERON:0000956"),
        ("cortex, brain", "UBERON:0000956"),
        ("Cortex (Brain) (donor 2)", "UBERON:0000956"),
        ("capsule, kidney", "UBERON:0002015"),
        ("medulla (adrenal gland)", "UBERON:0001236"),
    ],
)
def test_the_part_before_its_organ_is_the_organs_part(value: str, term: str) -> None:
    assert _tissue(value) == term


@pytest.mark.parametrize(
    ("value", "term"), [("brain, cortex", "UBERON:0000956"), ("kidney (cortex)", "UBERON:0001225")]
)
def test_the_organ_before_its_part_reads_as_before(value: str, term: str) -> None:
    assert _tissue(value) == term


@pytest.mark.parametrize("value", ["cortex (mouse)", "cortex (brain, kidney)", "cortex"])
def test_no_single_organ_after_the_part_leaves_it_unmapped(value: str) -> None:
    assert _tissue(value) is None
