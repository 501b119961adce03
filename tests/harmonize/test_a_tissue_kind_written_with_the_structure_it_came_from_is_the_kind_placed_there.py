"""Bgee's curators list GTEx's omental fat as ``Adipose - greater omentum`` and
``Adipose-greater omentum``; both were read as the greater omentum (a wrong term: the sample is fat),
and ``greater omentum adipose tissue`` as adipose tissue alone. A tissue kind written with the
structure it was taken from, the two unrelated in UBERON, reads the one kind UBERON places in that
structure — or in the structure's direct whole, the omentum for the greater omentum: the omental fat
pad. The tuning split's ``lung pleura`` reads the pleura placed on the lung (visceral pleura). Where
UBERON places no kind of the tissue, or several, nothing changes."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("Adipose - greater omentum", "UBERON:0010414"),  # Bgee: omental fat pad, not the greater omentum
        ("Adipose-greater omentum", "UBERON:0010414"),  # Bgee, hyphen joined
        ("greater omentum adipose tissue", "UBERON:0010414"),  # not adipose tissue alone
        ("adipose tissue, kidney", "UBERON:0014464"),  # renal fat pad
        ("lung pleura", "UBERON:0002401"),  # tuning: visceral pleura
    ],
)
def test_the_kind_placed_in_the_structure_is_the_sample(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("liver, kidney", "UBERON:0002107"),  # a list keeps its first term
        ("breast milk", "UBERON:0001913"),  # no kind of milk placed in the breast: the head noun
        ("Adipose - Subcutaneous", "UBERON:0002190"),
    ],
)
def test_without_one_kind_placed_there_the_reading_stays(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue
