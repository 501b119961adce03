"""Counting a part word's labelled kinds (:func:`~rnacorpus.harmonize.ontology.name_pairs.labelled_kinds`)
walks the closure of every term headed by that word (~0.3 CPU-s for a word such as "arch"). The
inverted-label rule (:mod:`~rnacorpus.harmonize.ontology.inverted_names`) needs that count only when
the inverted "<part> of <organ>" name labels a term, which few two-word values do; before, every
two-word tissue value with a synonym reading paid it (session 29: +0.06 ms a sample in the metadata
load). The answers are the rule's own: the "aortic arch" family and a class word are read as before."""

from __future__ import annotations

import pytest

import rnacorpus.harmonize.ontology.inverted_names as inverted_names
from rnacorpus.harmonize.ontology import get_index
from rnacorpus.harmonize.ontology.name_pairs import labelled_kinds

PHARYNGEAL_ARCH_ARTERY = "UBERON:0004363"
ARCH_OF_AORTA = "UBERON:0001508"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def counting(index: object, term_id: str) -> set[str]:
        calls.append(term_id)
        return labelled_kinds(index, term_id)  # type: ignore[arg-type]

    monkeypatch.setattr(inverted_names, "labelled_kinds", counting)
    return calls


@pytest.mark.parametrize("key", ["aortic arches", "cardiac arch", "renal artery", "hepatic tissue"])
def test_no_count_when_no_inverted_name_labels_a_term(key: str, counted: list[str]) -> None:
    assert inverted_names.inverted_label(key, PHARYNGEAL_ARCH_ARTERY, get_index(), ["tissue"]) is None
    assert counted == []


def test_the_count_still_decides_when_an_inverted_label_exists(counted: list[str]) -> None:
    # "artery of appendix" labels a term, and "artery" heads hundreds of kinds: a class word, so the
    # synonym reading of "appendiceal artery" stands
    assert inverted_names.inverted_label("appendiceal artery", "UBERON:0039215", get_index(), ["tissue"]) is None
    assert counted == ["UBERON:0001637"]


def test_the_aortic_arch_family_is_read_as_before() -> None:
    assert (
        inverted_names.inverted_label("aortic arch", PHARYNGEAL_ARCH_ARTERY, get_index(), ["tissue"]) == ARCH_OF_AORTA
    )
