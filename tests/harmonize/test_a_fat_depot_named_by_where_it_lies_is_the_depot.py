"""A fat depot written as a place adjective and a fat head UBERON's name does not use — ``gonadal
white adipose tissue``, ``subcutaneous white adipose tissue``, ``mesenteric WAT`` — or as the fat
"around" an organ (tuning's ``perigonadal fat``; ``perigonadal adipose tissue``) is the depot UBERON
names by the adjective (gonadal fat pad, subcutaneous adipose tissue, mesenteric fat pad); the reader
gave the generic (white) adipose tissue or nothing. A depot named as written keeps its own term
(``perirenal adipose tissue``: perirenal fat, not the renal fat pad), and an adjective with no depot of
its name keeps the adipose tissue (``perivascular adipose tissue``)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.fat_depots import depot_rewrites


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "depot"),
    [
        ("perigonadal fat", "UBERON:0003428"),
        ("perigonadal adipose tissue", "UBERON:0003428"),
        ("gonadal white adipose tissue", "UBERON:0003428"),
        ("subcutaneous white adipose tissue", "UBERON:0002190"),
        ("mesenteric WAT", "UBERON:0015143"),
        ("perirenal adipose tissue", "UBERON:0005406"),  # perirenal fat, as written
        ("perivascular adipose tissue", "UBERON:0001013"),  # no depot of that name
    ],
)
def test_the_depot_is_read(value: str, depot: str) -> None:
    assert _tissue(value) == depot


def test_peri_is_dropped_only_as_a_second_family() -> None:
    found = list(depot_rewrites("perirenal fat"))
    assert ("perirenal fat pad", "depot") in found and ("renal fat pad", "depot_around") in found
    assert list(depot_rewrites("peri fat")) == [
        ("peri fat pad", "depot"),
        ("peri fat", "depot"),
        ("peri adipose tissue", "depot"),
    ]
    assert list(depot_rewrites("fat")) == []
