""" "<source>-derived" cells name their source as a word of its own: a tissue source is the tissue
(bone marrow-derived macrophages → bone marrow), a stem-cell source leaves no tissue (iPSC-derived
cardiomyocytes were made in a dish, not taken from a heart). A part every organ has, written after an
organ, is the organ's own part when UBERON names it with the organ's adjective (brain cortex →
cerebral cortex; of several such names the organ's own adjective's, see
test_a_part_named_for_an_organ_is_the_organs_own_not_its_neighbours.py). An
organ word written before a cell type narrows the origin the cell type implies (saphenous + vein
endothelial cells → saphenous vein) or, as a noun, gives the origin the cell type lacks."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.schemas import Annotation


def _tissues(key: str, value: str) -> list[Annotation]:
    return [a for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]


def test_a_tissue_derived_cell_gives_its_source_tissue() -> None:
    (found,) = _tissues("cell type", "bone marrow-derived macrophages")
    assert found.term_id == "UBERON:0002371" and found.method == "cell_type_origin"


@pytest.mark.parametrize("value", ["iPSC-derived cardiomyocytes", "hESC-derived hepatocytes", "iPSC-derived neurons"])
def test_cells_made_from_stem_cells_name_no_tissue(value: str) -> None:
    assert not [a for a in _tissues("cell type", value) if a.term_id]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("brain cortex", "UBERON:0000956"),
        ("Brain - Cortex", "UBERON:0000956"),
        ("quadriceps muscle", "UBERON:0001377"),  # muscle only names the quadriceps' class
    ],
)
def test_an_organ_then_its_part_reads_the_organs_own_part(value: str, term: str) -> None:
    assert _tissues("tissue", value)[0].term_id == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("saphenous vein endothelial cells", "UBERON:0007318"),  # vein endothelial cells + saphenous
        ("femoral artery endothelial cells", "UBERON:0002060"),
        ("lens fibroblasts", "UBERON:0000965"),  # an organ noun before cells with no origin of their own
    ],
)
def test_an_organ_word_before_a_cell_type_narrows_or_gives_its_origin(value: str, term: str) -> None:
    (found,) = _tissues("cell type", value)
    assert found.term_id == term and found.method == "cell_type_origin"
