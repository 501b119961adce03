"""The whole-value fuzzy match repairs misspelled words; it never reads a word the ontology's names
use as another word: ``ureteral lumen`` was the lumen of the *urethra* (one letter apart), and the
tuning split's ``neural stem cells`` reached the nervous system only because "neural stem" is 92%
like "neural system". A word that is another ending of a word of the name (``endothelial`` /
``endothelium``) and a possessive or diacritic remnant (``Sjögren's``: "sj gren s") are no swap."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, get_index


def _term(key: str, value: str, field: str) -> tuple[str | None, str | None]:
    found = [a for a in annotate_characteristic(key, value, organism="human") if a.field == field and a.term_id]
    return (found[0].term_id, found[0].method) if found else (None, None)


def test_a_real_word_is_not_read_as_another() -> None:
    assert _term("tissue", "ureteral lumen", "tissue")[0] != "UBERON:0010390"  # lumen of urethra
    index = get_index()
    assert index.fuzzy("ureteral lumen", "tissue") is None
    assert index.fuzzy("neural stem", "tissue") is None  # "stem" is no misspelling of "system"


@pytest.mark.parametrize(
    ("key", "value", "field", "term"),
    [
        ("tissue", "mammilary body", "tissue", "UBERON:0002206"),  # a misspelling is still repaired
        ("disease", "Sjögren's syndrome", "disease", "MONDO:0010030"),
        ("disease", "Behçet's disease", "disease", "MONDO:0007191"),
        ("cell type", "glomerular endothelial cells", "tissue", "UBERON:0000074"),  # endothelial ~ endothelium
    ],
)
def test_misspellings_and_other_endings_are_still_read(key: str, value: str, field: str, term: str) -> None:
    assert _term(key, value, field)[0] == term
