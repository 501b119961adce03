"""A part UBERON names per organ (cortex, medulla, mucosa, capsule, epithelium) written beside an organ
that has no such part in UBERON is read as the organ, not as the generic part of any organ: ``cortex,
liver`` was the cortex (UBERON:0001851), now the liver, as ``Liver - Cortex`` already was. The organ's
own part, when UBERON has one, is still found; the part alone, or beside several organs, is unchanged."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("cortex, liver", "UBERON:0002107"),
        ("Cortex, Liver", "UBERON:0002107"),
        ("cortex of liver", "UBERON:0002107"),
        ("medulla, liver", "UBERON:0002107"),
        ("mucosa, brain", "UBERON:0000955"),
        ("capsule, heart", "UBERON:0000948"),
    ],
)
def test_the_organ_named_is_the_answer(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_the_organs_own_part_is_still_found() -> None:
    assert _tissue("cortex, kidney") == "UBERON:0001225"


@pytest.mark.parametrize("value", ["cortex", "cortex, sample 3"])
def test_no_organ_named_leaves_no_generic_part(value: str) -> None:
    assert _tissue(value) != "UBERON:0002107"
    assert _tissue(value) is None or _tissue(value) != "UBERON:0001851"
