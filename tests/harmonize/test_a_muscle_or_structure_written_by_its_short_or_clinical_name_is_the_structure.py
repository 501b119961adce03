"""Muscles and structures written the short way dissection lists and clinics write them, names UBERON
keeps only as related synonyms or not at all: ``biceps`` is the biceps brachii (the femoris is always
written out), ``optic nerve head`` the optic disc, ``bone
cortex`` compact bone, ``uterine smooth muscle`` the myometrium. Initials stay out: ``TA muscle`` is the
tibialis anterior or the transversus abdominis, and is reported (its own test)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str, organism: str = "human") -> str | None:
    found = {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism=organism)}
    return found.get("tissue")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("biceps muscle", "UBERON:0001507"),
        ("biceps", "UBERON:0001507"),
        ("optic nerve head", "UBERON:0001783"),
        ("bone cortex", "UBERON:0001439"),
        ("uterine smooth muscle", "UBERON:0001296"),
        ("biceps femoris", "UBERON:0001374"),
    ],
)
def test_the_short_name_is_the_structure(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_ta_muscle_is_still_reported_not_picked() -> None:
    assert _tissue("TA muscle", organism="mouse") is None
