"""A word for what is washed out of or drained from a cavity, after the adjective of the structure
that has it, names the cavity: the tuning split's ``peritoneal exudate cells`` (read as UBERON's
generic "exudate") and ``peritoneal lavage cells`` (nothing) are the peritoneal cavity's, as
peritoneal macrophages are; ``pleural exudate`` the pleural cavity, ``nasal washings`` the nasal
cavity. A fluid UBERON names itself keeps its term (``peritoneal fluid``, ``pleural effusion``), and
a rewrite to a cavity UBERON does not name gives nothing new."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.cavity_fluids import cavity_rewrites


def _tissue(key: str, value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("key", "value", "cavity"),
    [
        ("cell type", "peritoneal exudate cells", "UBERON:0001179"),
        ("cell type", "peritoneal lavage cells", "UBERON:0001179"),
        ("tissue", "pleural exudate", "UBERON:0002402"),
        ("source_name", "nasal washings", "UBERON:0001707"),
    ],
)
def test_the_fluid_gives_the_cavity(key: str, value: str, cavity: str) -> None:
    assert _tissue(key, value) == cavity


@pytest.mark.parametrize(
    ("value", "term"),
    [("peritoneal fluid", "UBERON:0001268"), ("pleural effusion", "UBERON:0000175")],
)
def test_a_fluid_with_a_name_of_its_own_keeps_it(value: str, term: str) -> None:
    assert _tissue("tissue", value) == term


def test_only_an_adjective_and_a_fluid_word_are_rewritten() -> None:
    assert list(cavity_rewrites("peritoneal exudate")) == ["peritoneal cavity"]
    assert list(cavity_rewrites("Peritoneal Lavage")) == ["peritoneal cavity"]
    assert list(cavity_rewrites("peritoneal fluid")) == []
    assert list(cavity_rewrites("exudate")) == []
    assert list(cavity_rewrites("mouse peritoneal exudate")) == []
