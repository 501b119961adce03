"""An organ word written before a cell type whose own origin is a kind or part of what the word names
("muscle satellite cells": satellite cells come from skeletal muscle tissue, a muscle tissue) reads the
cells' finer origin instead of the coarser word. A word naming something else keeps its own term."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str, organism: str = "mouse") -> str | None:
    found = [a for a in annotate_characteristic("cell type", value, organism=organism) if a.field == "tissue"]
    return found[0].term_id if found else None


def test_the_finer_origin_is_read() -> None:
    assert _tissue("muscle satellite cells") == "UBERON:0001134"  # skeletal muscle tissue, not muscle tissue


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("placental fibroblasts", "UBERON:0001987"),  # no origin of its own: the organ word stands
        ("lung endothelial cells", "UBERON:0002048"),
    ],
)
def test_an_organ_word_unrelated_to_the_origin_stands(value: str, term: str) -> None:
    assert _tissue(value, "human") == term
