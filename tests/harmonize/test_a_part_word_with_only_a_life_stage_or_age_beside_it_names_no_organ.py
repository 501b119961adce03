"""A part word every organ has (cortex, septum, capsule) written with only a life-stage word or an
age beside it (fetal cortex 20-22 weeks, adult cortex, embryonic septum) still does not say whose part
it is: the tissue stays unmapped, as for the bare word, while the stage is kept. The part written with
its organ keeps its reading."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _fields(value: str) -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic("tissue", value)}


@pytest.mark.parametrize(
    "value", ["fetal cortex 20-22 weeks", "adult cortex", "embryonic cortex", "fetal septum", "adult capsule 8 weeks"]
)
def test_the_part_with_only_when_beside_it_gives_no_tissue(value: str) -> None:
    assert _fields(value).get("tissue") is None


def test_the_stage_word_is_still_read() -> None:
    assert _fields("adult cortex").get("development_stage") == "UBERON:0000113"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("adult kidney cortex", "UBERON:0001225"),
        ("fetal brain cortex", "UBERON:0000956"),
        ("adult liver", "UBERON:0002107"),
        ("fetal adrenal cortex 20 weeks", "UBERON:0001235"),
    ],
)
def test_the_part_written_with_its_organ_keeps_its_reading(value: str, term: str) -> None:
    assert _fields(value).get("tissue") == term
