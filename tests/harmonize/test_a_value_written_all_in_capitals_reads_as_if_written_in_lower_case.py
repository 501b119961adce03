"""A value written all in capitals (``KIDENY``, ``SKELETAL MUSCEL``, ``PROSTATE CANCER``) says nothing
by its case: its words are no abbreviations, which a word in capitals inside mixed-case text is taken
to be. So a mistyped organ word is respelled and an organ word shared by a tumour phrase and its
disease gives the site, as in lower case; short capitals stay abbreviations, and capitals inside
mixed-case text keep their meaning."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("KIDENY", "UBERON:0002113"),
        ("LVIER", "UBERON:0002107"),
        ("SKELETAL MUSCEL", "UBERON:0001134"),
        ("PROSTATE CANCER", "UBERON:0002367"),
        ("THYROID CANCER", "UBERON:0002046"),
        ("PROSTATE TUMOR", "UBERON:0002367"),
    ],
)
def test_capitals_read_as_lower_case(value: str, term: str) -> None:
    assert _tissue(value) == term
    assert _tissue(value.lower()) == term


def test_a_word_in_capitals_inside_mixed_case_text_is_not_respelled() -> None:
    assert _tissue("Sample KIDENY") is None
