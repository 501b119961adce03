"""A word of a tissue or source value that no ontology name uses, one edit (a letter dropped,
doubled, wrong, or two neighbours swapped) from exactly one word of UBERON's tissue names, is read as
that word: the result is a fuzzy match with the respelling in its reason. Words any ontology uses,
short words, capitals, plurals other families read and words with two candidates their neighbours do not
settle stay as written (tests/harmonize/test_a_mistyped_word_near_several_words_is_read_when_its_neighbours_settle_it.py
for the ones they settle)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.respell import respell
from rnacorpus.schemas import Annotation


def _tissue(value: str, key: str = "tissue") -> Annotation:
    (found,) = [a for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]
    return found


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("thyriod", "UBERON:0002046"),  # two letters swapped
        ("lvier", "UBERON:0002107"),
        ("esophogus", "UBERON:0001043"),  # one wrong letter: the whole-value fuzzy ratio is below its bar
        ("bone marow", "UBERON:0002371"),  # was read as bone (element), marow left unread
    ],
)
def test_a_mistyped_organ_word_gives_the_organ_as_a_fuzzy_match(value: str, term: str) -> None:
    found = _tissue(value)
    assert found.term_id == term and found.method == "fuzzy"
    assert found.reason is not None and "read as" in found.reason


@pytest.mark.parametrize(
    "text",
    [
        "tumor tissue",
        "untreated control",
        "renal cortices",
        "Hassalls corpuscles",
        "chord",
        "chord tissue",
        "LIVR",
        "lung",
    ],
)
def test_known_words_plurals_capitals_and_unclear_words_stay_as_written(text: str) -> None:
    assert respell(text, get_index()) == (text, [])


def test_a_value_under_a_cell_type_key_is_not_respelled() -> None:
    found = annotate_characteristic("cell type", "kindey epithelial cells", organism="mouse")
    assert all("read as" not in (a.reason or "") for a in found)
