"""A side word joined to a place by a hyphen (``Cerebral frontal pole-right``, ``kidney-left``) places
it as it does written apart: the hyphen is read as a space even though no name holds the side word
(Bgee's GTEx 'Organ-site-side' texts). Before, the value stayed joined and an ambiguous word
(``Cerebral``) left it unmapped. Words about a place that are no side words keep a value joined
(``serum-starved``)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Cerebral frontal pole-right", "UBERON:0002795"),
        ("Cerebral frontal pole-left", "UBERON:0002795"),
        ("kidney-left", "UBERON:0004538"),
    ],
)
def test_the_side_word_does_not_keep_the_value_joined(value: str, term: str) -> None:
    assert _tissue(value) == term
