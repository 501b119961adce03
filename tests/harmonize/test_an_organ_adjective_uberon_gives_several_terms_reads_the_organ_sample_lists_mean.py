"""An organ adjective that UBERON gives to several terms (``cochlear``: the cochlea, its labyrinth and
nerve; ``pericardial``: the pericardium, its serous layer and sac; ``salivary``: the gland and saliva)
was left unmapped; sample lists mean the organ itself, so the reviewed table reads it, as it already
read ``renal`` or ``gastric``. Adjectives whose readings are different structures stay ambiguous (their
own tests: ``glomerular``, ``mucosal``, ``urethral``). ``tubal`` and ``lacrimal`` join as adjectives of the fallopian
tube and lacrimal gland. A longer name that UBERON has (``cochlear nerve``, ``salivary gland``) keeps its
own term, and ``pleural`` is left out on purpose: a pleural tumour is of the mesothelium."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism="human")}
    return found.get("tissue")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("cochlear tissue", "UBERON:0001844"),
        ("pericardial tissue", "UBERON:0002407"),
        ("salivary tissue", "UBERON:0001044"),
        ("tubal mucosa", "UBERON:0005048"),
        ("lacrimal", "UBERON:0001817"),
    ],
)
def test_the_adjective_reads_the_organ(value: str, term: str) -> None:
    assert _tissue(value) == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("cochlear nerve", "UBERON:0004727"),
        ("minor salivary gland", "UBERON:0001830"),
        ("pleural mesothelioma", "UBERON:0003390"),
    ],
)
def test_a_longer_name_keeps_its_own_term(value: str, term: str) -> None:
    assert _tissue(value) == term
