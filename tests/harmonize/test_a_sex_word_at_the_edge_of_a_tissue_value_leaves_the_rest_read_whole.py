"""Under a tissue key (which reads no sex), a sex word at the value's edge (``appendix, male``,
``tonsillar tissue, female``) is set apart like a stage or health word, so the rest is read as a whole
value: before, the unclaimed word stopped the whole-value families and a one-word synonym inside
longer text was not trusted (``appendix, male`` gave nothing). A name that holds the word as written
(``male urethra``) keeps it; under a cell-type key sex and stage words stay parts of cell names
(``male germ cell``, ``mouse embryonic stem cell``)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _term(key: str, value: str, field: str) -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism="mouse") if a.field == field]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("appendix, male", "UBERON:0001154"),
        ("male appendix", "UBERON:0001154"),
        ("tonsillar tissue, female", "UBERON:0002372"),
        ("renal cortices, male", "UBERON:0001225"),
        ("left atrial appendage, female", "UBERON:0006630"),
    ],
)
def test_the_rest_is_read_whole(value: str, term: str) -> None:
    assert _term("tissue", value, "tissue") == term


def test_a_name_holding_the_sex_word_keeps_it() -> None:
    assert _term("tissue", "male urethra", "tissue") == "UBERON:0001333"


@pytest.mark.parametrize(
    ("value", "term"), [("male germ cell", "CL:0000015"), ("mouse embryonic stem cell", "CL:0002322")]
)
def test_cell_names_keep_their_sex_and_stage_words(value: str, term: str) -> None:
    assert _term("cell type", value, "cell_type") == term
