"""A structure class written alone in the plural (``ganglia``, ``glands``, ``nerves``, ``arteries``,
``veins``, ``vessels``) says that several of them were sampled, not which: the class term is no answer
and the value stays unmapped with the reason. Plurals naming an organ, values saying which, and the
singular are read as before."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.bare_classes import KINDS_MIN
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.name_pairs import labelled_kinds


def _tissue(value: str) -> tuple[str | None, str]:
    found = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return (found[0].term_id, found[0].reason or "") if found else (None, "")


@pytest.mark.parametrize("value", ["ganglia", "Ganglia", "glands", "nerves", "arteries", "veins", "vessels"])
def test_the_bare_plural_class_stays_unmapped(value: str) -> None:
    term, reason = _tissue(value)
    assert term is None and "which is not said" in reason


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("kidneys", "UBERON:0002113"),
        ("lungs", "UBERON:0002048"),
        ("ovaries", "UBERON:0000992"),
        ("trigeminal ganglia", "UBERON:0001675"),
        ("ganglion", "UBERON:0000045"),
    ],
)
def test_organs_named_kinds_and_the_singular_are_read(value: str, term: str) -> None:
    assert _tissue(value)[0] == term


def test_the_threshold_separates_classes_from_organs() -> None:
    index = get_index()
    for organ in ("UBERON:0002113", "UBERON:0000473", "UBERON:0002185"):  # kidney, testis, bronchus
        assert len(labelled_kinds(index, organ)) < KINDS_MIN
    for cls in ("UBERON:0000045", "UBERON:0002530", "UBERON:0001637"):  # ganglion, gland, artery
        assert len(labelled_kinds(index, cls)) >= KINDS_MIN
