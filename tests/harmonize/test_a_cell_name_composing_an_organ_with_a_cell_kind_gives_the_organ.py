"""CL names many cell types by composing an organ word with the label of a more general cell
(``aortic smooth muscle cell`` = aortic + smooth muscle cell, ``smooth muscle cell of bladder``):
the organ word is where the cells come from, and gives the tissue when the value names none. A word
that names a kind of tissue rather than a place (embryonic, mesenchymal) gives none, and neither
does one UBERON reads as both a membrane and a cavity outside it (peritoneal: peritoneum or the
peritoneal cavity the macrophages are washed from). An organ adjective the depositor writes before
a cell kind reads the same way (striatal neurons), and a layer of the cells' own kind (the smooth
muscle of the trachea, the glomerular endothelium) gives the organ it lines: the layer restates what
the cells are."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.implied import organ_in_cell_name
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.schemas import Annotation


def _tissues(value: str) -> list[Annotation]:
    return [a for a in annotate_characteristic("cell type", value, organism="human") if a.field == "tissue"]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("aortic smooth muscle cells", "UBERON:0000947"),  # aortic + smooth muscle cell
        ("bladder smooth muscle cells", "UBERON:0001255"),  # CL: smooth muscle cell of bladder
        ("smooth muscle cell of bladder", "UBERON:0001255"),
        ("lens epithelial cells", "UBERON:0000965"),  # lens + epithelial cell
    ],
)
def test_the_organ_word_of_the_cell_name_is_the_origin(value: str, term: str) -> None:
    (found,) = _tissues(value)
    assert found.term_id == term and found.method == "cell_type_origin"
    assert found.reason is not None and "composed with" in found.reason


@pytest.mark.parametrize("value", ["embryonic stem cells", "mesenchymal stem cells", "mouse embryonic fibroblast"])
def test_a_kind_of_tissue_in_the_cell_name_is_no_origin(value: str) -> None:
    assert not [a for a in _tissues(value) if a.term_id]


def test_a_word_for_a_membrane_and_the_cavity_outside_it_gives_the_cavity_only_for_blood_cells() -> None:
    # blood-lineage cells float in the cavity (tests/harmonize/
    # test_blood_cells_named_by_a_serous_membrane_come_from_its_cavity.py); other kinds are not placed
    index = get_index()
    assert organ_in_cell_name("CL:0000581", 9606, index) == (
        "UBERON:0001179",
        "'peritoneal' composed with 'macrophage' in the cell type 'peritoneal macrophage'",
    )
    assert not [a for a in _tissues("peritoneal fibroblasts") if a.term_id]


def test_the_nearest_general_cell_decides_and_an_unread_rest_gives_nothing() -> None:
    index = get_index()
    # CD4-positive, alpha-beta memory T cell: the words left beside the general cell name no tissue
    assert organ_in_cell_name("CL:0000897", 9606, index) is None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("striatal neurons", "UBERON:0002435"),  # no CL term composes the two: the adjective alone
        ("thalamic neurons", "UBERON:0001897"),
        ("tracheal smooth muscle cells", "UBERON:0003126"),  # smooth muscle of trachea → trachea
        ("glomerular endothelial cells", "UBERON:0000074"),  # glomerular endothelium → renal glomerulus
    ],
)
def test_an_organ_adjective_before_cells_and_the_cells_own_layer_give_the_organ(value: str, term: str) -> None:
    (found,) = _tissues(value)
    assert found.term_id == term and found.method == "cell_type_origin"


def test_a_tissue_written_under_a_cell_type_key_is_still_that_tissue() -> None:
    (found,) = _tissues("liver")
    assert found.term_id == "UBERON:0002107" and found.method == "exact_label"


def test_the_depositors_words_are_read_when_the_cl_label_composes_nothing() -> None:
    # CL calls corneal fibroblasts keratocytes: the label holds no general cell, the written words do
    (found,) = _tissues("corneal fibroblasts")
    assert found.term_id == "UBERON:0000964" and found.method == "cell_type_origin"
