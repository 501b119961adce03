"""A one-word synonym that is its term's label cut short (``prostate`` of prostate gland, ``thyroid``
of thyroid gland, ``eyeball`` of eyeball of camera-type eye) is the organ's everyday name: it is read
inside longer values written around library codes and vendor names (``PN001-Normal Human Prostate``),
where other one-word synonyms (ordinary words UBERON also files) stay untrusted."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.direct_match import shortened_label


def _tissue(value: str, organism: str = "human") -> str | None:
    found = [a for a in annotate_characteristic("source_name", value, organism=organism) if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "organism", "term"),
    [
        ("PN001-Normal Human Prostate", "human", "UBERON:0002367"),
        ("Barstead prostate BPH HPLRB4", "human", "UBERON:0002367"),
        ("XJ-2 thyroid library B7", "human", "UBERON:0002046"),
        ("RIKEN full-length enriched, adult male eyeball", "mouse", "UBERON:0010230"),
        ("Barstead adrenal HPLRB9", "human", "UBERON:0002369"),
    ],
)
def test_the_short_name_is_read_among_codes(value: str, organism: str, term: str) -> None:
    assert _tissue(value, organism) == term


@pytest.mark.parametrize(
    ("name", "label", "expected"),
    [
        ("prostate", "prostate gland", True),
        ("eyeball", "eyeball of camera-type eye", True),
        ("cortex", "cerebral cortex", False),  # a later word of the label: the generic part
        ("prostate", "prostate", False),  # the label itself, not cut short
        ("T-ALL", "T-ALL leukemia", False),  # not a word
    ],
)
def test_only_the_labels_first_word_is_its_short_name(name: str, label: str, expected: bool) -> None:
    assert shortened_label(name, label) is expected


def test_a_generic_part_word_among_codes_stays_unread() -> None:
    # "cortex" is a synonym that is not its label's first word: no cortex is guessed from it
    assert _tissue("HB3MA cortex Cot109") != "UBERON:0000956"
