"""A cavity's adjective with a word for what is washed or drained out of it, written inside a
longer value, names the cavity as it does when it is the whole value: ``peritoneal exudate
macrophages`` are the peritoneal cavity's macrophages (was UBERON's generic "exudate", the last word
alone), as ``peritoneal lavage macrophages`` already were. The fluid word alone keeps its own name."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.cavity_fluids import cavity_reading


def _tissue(key: str, value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("key", "value", "cavity"),
    [
        ("cell type", "peritoneal exudate macrophages", "UBERON:0001179"),
        ("cell type", "thioglycollate-elicited peritoneal exudate macrophages", "UBERON:0001179"),
        ("cell type", "pleural exudate cells from patient 3", "UBERON:0002402"),
        ("source_name", "nasal washings, day 3", "UBERON:0001707"),
    ],
)
def test_the_fluid_inside_longer_text_gives_the_cavity(key: str, value: str, cavity: str) -> None:
    assert _tissue(key, value) == cavity


def test_the_fluid_word_alone_keeps_its_name() -> None:
    assert _tissue("tissue", "exudate") == "UBERON:0007780"


class _Hit:
    def __init__(self, ambiguous: bool) -> None:
        self.ambiguous = ambiguous


def test_only_an_adjective_and_a_fluid_word_with_one_cavity_are_read() -> None:
    asked: list[str] = []

    def read(name: str) -> _Hit:
        asked.append(name)
        return _Hit(ambiguous=name.startswith("pleural"))

    assert cavity_reading("peritoneal exudate", read) is not None
    assert cavity_reading("pleural exudate", read) is None  # several terms: no answer
    assert cavity_reading("peritoneal fluid", read) is None
    assert cavity_reading("exudate", read) is None
    assert asked == ["peritoneal cavity", "pleural cavity"]
