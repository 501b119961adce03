"""A tissue or cell word a few words after a verb of likeness (resemble, resembling, mimicking) names
what the sample resembles, not what it is, as a word before "like" does: ``3-dimensional neuronal
aggregates that resemble a first trimester telencephalon`` (GEOmetadb's tissue field) gives no
telencephalon, and cells resembling hepatocytes come from no liver. The same word without the verb
keeps its reading."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue_terms(value: str) -> list[str | None]:
    return [a.term_id for a in annotate_characteristic("tissue", value) if a.field == "tissue"]


def test_the_object_of_resemble_is_no_tissue() -> None:
    value = "3-dimensional neuronal aggregates that resemble a first trimester telencephalon"
    assert not any(_tissue_terms(value))


def test_cells_resembling_a_kind_come_from_no_tissue_of_it() -> None:
    found = [a for a in annotate_characteristic("tissue", "cells resembling hepatocytes") if a.field == "tissue"]
    assert found and found[0].term_id is None and "hepatocytes" in (found[0].reason or "")


def test_without_the_verb_the_word_is_read() -> None:
    assert _tissue_terms("first trimester telencephalon") == ["UBERON:0001893"]
