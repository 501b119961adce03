"""A synonym that is its term's own label in another spelling (``cecum`` for UBERON's caecum) is the
organ's everyday name: trusted alone and inside longer text, even though the same word heads the
labels of other structures (future foramen cecum, hepatic cecum, echinoderm pyloric cecum). Before,
``cecum`` — the usual American spelling of a common mouse tissue — was reported as ambiguous. The test
is on the synonym and the label alone (equal under the spelling normal form, different as written),
never a list of words; a synonym that is another word heading several organs' labels (``fundus``)
stays ambiguous."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.direct_match import respelled_label


def _tissue(key: str, value: str) -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tissue", "cecum"),
        ("tissue", "Cecum"),
        ("tissue", "proximal cecum"),
        ("source_name", "mouse cecum, 8 weeks"),
        ("source_name", "RIKEN full-length enriched, adult male cecum"),
        ("organism part", "cecum, germ-free"),
    ],
)
def test_the_respelled_label_names_the_organ(key: str, value: str) -> None:
    assert _tissue(key, value) == "UBERON:0001153"


def test_a_part_noun_synonym_heading_several_labels_stays_ambiguous() -> None:
    assert _tissue("tissue", "fundus") is None


@pytest.mark.parametrize(
    ("name", "label", "respelled"),
    [
        ("cecum", "caecum", True),
        ("esophagus", "oesophagus", True),
        ("caecum", "caecum", False),  # the label itself
        ("fundus", "fundus of stomach", False),
        ("gut", "intestine", False),
    ],
)
def test_the_test_is_on_synonym_and_label_alone(name: str, label: str, respelled: bool) -> None:
    assert respelled_label(name, label) is respelled
