"""An unread word beside an organ names a part of it only when it is a word of place: a sex word is a
state (``bone, male`` was the teleost hemal spine, ``adult skin, male`` the male preputial gland), and
UBERON's non-English synonyms are read as whole words of any script (``épine hémale`` no longer lends
"male" and "pine" to the hemal spine's names)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.class_heads import name_word_terms
from rnacorpus.harmonize.ontology.index import get_index


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [("bone, male", "UBERON:0001474"), ("bone male", "UBERON:0001474"), ("adult skin, male", "UBERON:0002097")],
)
def test_the_organ_is_kept(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_a_part_named_by_a_word_of_place_is_still_read() -> None:
    assert _tissue("stomach corpus") == "UBERON:0001161"


def test_accented_words_stay_whole() -> None:
    terms = name_word_terms(get_index())
    assert "UBERON:2001364" not in terms.get("male", set())
    assert "UBERON:2001364" in terms.get("hémale", set())
