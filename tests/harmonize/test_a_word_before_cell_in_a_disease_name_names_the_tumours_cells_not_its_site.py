"""Disease names that say which cells a tumour is of by a word before "cell" — MONDO's ``plasma cell
myeloma`` (multiple myeloma), ``plasma cell leukemia``, ``mantle cell lymphoma`` — give no site from that
word: blood plasma and the mantle are no place these tumours are sampled from. An organ before "cell"
is still the site (``renal cell carcinoma``, ``kidney cell carcinoma`` → kidney)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

KIDNEY, PLASMA = "UBERON:0002113", "UBERON:0001969"


def _fields(value: str) -> dict[str, str]:
    return {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.term_id}


@pytest.mark.parametrize("value", ["multiple myeloma", "MM", "plasma cell leukemia", "mantle cell lymphoma"])
def test_the_cell_word_gives_no_site(value: str) -> None:
    fields = _fields(value)
    assert "disease" in fields and "tissue" not in fields


@pytest.mark.parametrize("value", ["renal cell carcinoma", "kidney cell carcinoma"])
def test_an_organ_before_cell_is_the_site(value: str) -> None:
    assert _fields(value)["tissue"] == KIDNEY


def test_plasma_named_as_the_sample_is_still_blood_plasma() -> None:
    assert _fields("plasma")["tissue"] == PLASMA
