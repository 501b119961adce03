"""Everyday and clinical names that UBERON keeps only as related synonyms (so the index, which reads
labels and exact synonyms, cannot see them) reach their term through the reviewed table: ``palate`` is
the secondary palate (the hard and soft palate keep their own terms), ``products of conception`` is the
conceptus."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism="human")}
    return found.get("tissue")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("palate", "UBERON:0001716"),
        ("Palate", "UBERON:0001716"),
        ("products of conception", "UBERON:0004716"),
        ("hard palate", "UBERON:0003216"),
        ("soft palate", "UBERON:0001733"),
    ],
)
def test_related_synonym_reaches_its_term(value: str, term: str) -> None:
    assert _tissue(value) == term
