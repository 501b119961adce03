"""A Brodmann area written "BA" and its number (``BA9``, ``BA 10``, ``BA-24``) or ``Brodmann 9`` is
UBERON's "Brodmann (1909) area <n>" when it is the value: UBERON lists "BA46" as a synonym but not
BA9 or BA10, so the same spelling reached one area and not the next (probe family from Bgee's and
GTEx's brain samples). Inside longer values the initials are not rewritten (``Brain-Frontal Cortex
(BA9)`` keeps the frontal cortex GTEx names, hyphen or not). Parts named one inside the other in a
parenthesis refine to the innermost. A number that is no area, or lower-case "ba", gives no area."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.brodmann import brodmann_rewrites


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "area"),
    [
        ("BA9", "UBERON:0013540"),
        ("BA 9", "UBERON:0013540"),
        ("Brodmann 9", "UBERON:0013540"),
        ("BA10", "UBERON:0013541"),
        ("BA-24", "UBERON:0006101"),
        ("BA46", "UBERON:0006483"),  # UBERON's own synonym, as before
        ("brain (BA9 prefrontal cortex)", "UBERON:0000451"),  # the prefrontal cortex, as before
        ("brain (Brodmann area 9, prefrontal cortex)", "UBERON:0013540"),  # nested parts: the innermost
    ],
)
def test_the_initials_name_the_area(value: str, area: str) -> None:
    assert _tissue(value) == area


def test_only_an_area_spelling_is_rewritten() -> None:
    assert list(brodmann_rewrites("BA9")) == ["brodmann (1909) area 9"]
    assert list(brodmann_rewrites("ba9")) == []  # "ba" is a word, not the initials
    assert list(brodmann_rewrites("BA9 cortex")) == []
    assert _tissue("BA99") is None  # no such area
