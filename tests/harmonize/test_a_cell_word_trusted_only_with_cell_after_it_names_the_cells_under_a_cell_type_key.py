"""Under a cell-type key, a last phrase that names nothing trusted is read as "<phrase> cell" when CL
names that cell: cell words CL lists only as one-word synonyms, which are not trusted alone inside
longer text (``pituitary gonadotropes``: "gonadotrope cell" names the gonadotroph). The organ word
before the cells then says where they are from. A phrase with a reading of its own keeps it: an organ
is not read as cells of it (``neonatal heart``), nor a tissue word written as a mass noun as its cells
(a plural that counts cells is: ``test_a_tissue_word_in_the_plural_under_a_cell_type_key_counts_its_cells``)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _terms(value: str) -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic("cell type", value, organism="human")}


@pytest.mark.parametrize("value", ["pituitary gonadotropes", "anterior pituitary gonadotropes"])
def test_the_last_word_is_the_cells_and_the_words_before_their_origin(value: str) -> None:
    terms = _terms(value)
    assert terms.get("cell_type") == "CL:0000437"  # gonadotroph
    assert terms.get("tissue") in {"UBERON:0000007", "UBERON:0002196"}  # pituitary gland, adenohypophysis


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("neonatal heart", "UBERON:0000948"),
        ("Tomato+ epidermis", "UBERON:0001003"),
    ],
)
def test_a_phrase_with_its_own_reading_is_not_turned_into_cells(value: str, tissue: str) -> None:
    terms = _terms(value)
    assert terms.get("tissue") == tissue
    assert terms.get("cell_type") is None
