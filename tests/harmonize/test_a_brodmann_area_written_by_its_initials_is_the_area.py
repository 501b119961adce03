"""A Brodmann area written "BA" and its number (``BA9``, ``BA 10``, ``BA-24``) or ``Brodmann 9`` is
UBERON's "Brodmann (1909) area <n>", alone or inside a longer value (``brain BA9``, ``prefrontal
cortex BA9``, ``postmortem brain, BA10``): UBERON lists "BA46" as a synonym but not BA9 or BA10, so
the same spelling reached one area and not the next (probe family from Bgee's and GTEx's brain
samples). Parts named one inside the other in a parenthesis refine to the innermost (tuning's ``brain
(BA9 prefrontal cortex)``). A number that is no area, or lower-case "ba", gives no area."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.brodmann import brodmann_rewrites, names_an_area


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
        ("brain BA9", "UBERON:0013540"),
        ("prefrontal cortex BA9", "UBERON:0013540"),
        ("postmortem brain, BA10", "UBERON:0013541"),
        ("brain (BA9 prefrontal cortex)", "UBERON:0013540"),
    ],
)
def test_the_initials_name_the_area(value: str, area: str) -> None:
    assert _tissue(value) == area


def test_only_an_area_spelling_is_rewritten() -> None:
    assert list(brodmann_rewrites("BA9")) == ["brodmann (1909) area 9"]
    assert list(brodmann_rewrites("ba9")) == []  # "ba" is a word, not the initials
    assert not names_an_area("BA9 cortex")
    assert _tissue("BA99") is None  # no such area
