"""A cell kind written after the layer of its own kind that UBERON names for a whole structure
(*artery smooth muscle* tissue), with words before the layer naming a narrower structure of that
whole: ``femoral artery smooth muscle cells`` came from the femoral artery, not from "artery" (the
layer's whole, which the reader gave before). Cases: primary-cell names as vendors and depositors write
them (probe of the vessel-cells family, no labelled row). Words that name nothing narrower keep the
whole; a layer named with its organ's adjective is read as before (trachea)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, get_index
from rnacorpus.harmonize.ontology.layer_owner import narrower_whole_before


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("cell type", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "structure"),
    [
        ("femoral artery smooth muscle cells", "UBERON:0002060"),
        ("mesenteric artery smooth muscle cells", "UBERON:0005616"),
        ("cerebral artery smooth muscle cells", "UBERON:0004449"),
        ("basilar artery smooth muscle cells", "UBERON:0001633"),
    ],
)
def test_the_words_before_the_layer_name_which_structure(value: str, structure: str) -> None:
    assert _tissue(value) == structure


@pytest.mark.parametrize(
    ("value", "whole"),
    [
        ("artery smooth muscle cells", "UBERON:0001637"),  # no word before: the artery
        ("human artery smooth muscle cells", "UBERON:0001637"),  # "human artery" names nothing narrower
        ("tracheal smooth muscle cells", "UBERON:0003126"),  # the adjective is in the layer's name
    ],
)
def test_without_a_narrower_name_the_whole_stays(value: str, whole: str) -> None:
    assert _tissue(value) == whole


def test_a_name_outside_the_whole_or_behind_a_function_word_is_not_taken() -> None:
    index = get_index()
    artery, vein = "UBERON:0001637", "UBERON:0001638"
    tokens = ["femoral", "artery", "smooth", "muscle", "cells"]
    assert narrower_whole_before(artery, tokens, 1, None, index) == ("UBERON:0002060", "femoral")
    # the femoral vein is no artery: the words with the vein's names name the femoral vein, not taken
    found = narrower_whole_before(vein, tokens, 1, None, index)
    assert found is None or index.is_ancestor(vein, found[0])
    assert narrower_whole_before(artery, ["of", "artery"], 1, None, index) is None
    assert narrower_whole_before(artery, tokens, 0, None, index) is None
