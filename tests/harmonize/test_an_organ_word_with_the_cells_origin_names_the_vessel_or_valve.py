"""An organ adjective written just before a cell type whose origin the cell type implies (valve
interstitial cells come from a valve): the adjective and the origin compose a name UBERON lists
(``aortic valve``), and that structure is the cells' tissue — not the organ the adjective alone names
(the aorta). Without such a name the organ word stands as before."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("cell type", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("aortic valve interstitial cells", "UBERON:0002137"),  # aortic valve, not the aorta
        ("aortic valve endothelial cells", "UBERON:0002137"),
        ("pulmonary valve interstitial cells", "UBERON:0002146"),  # pulmonary valve, not the lung
        ("mitral valve interstitial cells", "UBERON:0002135"),  # no organ word: composed as before
    ],
)
def test_the_composed_structure_is_the_cells_tissue(value: str, term: str) -> None:
    assert _tissue(value) == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("kidney epithelial cells", "UBERON:0002113"),  # the epithelium is the cells' own layer: the organ
        ("placental fibroblasts", "UBERON:0001987"),  # no origin to compose with: the organ word stands
    ],
)
def test_an_organ_word_composing_nothing_keeps_the_organ(value: str, term: str) -> None:
    assert _tissue(value) == term
