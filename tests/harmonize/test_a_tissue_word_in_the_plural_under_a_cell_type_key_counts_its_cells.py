"""Under a cell-type key, a tissue word written in the plural at the end of the value counts things:
the cells the tissue is made of, when CL names "<word> cell" (``placental trophoblasts``: trophoblast
cells, from the placenta, not the trophoblast tissue). A mass noun names where cells come from and
keeps its reading (``neonatal heart``, see the test of cell words trusted only with "cell"), and so
does a plural CL names no cell for (``B cells sorted from tonsils``: the tonsil)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _terms(value: str) -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic("cell type", value, organism="human")}


@pytest.mark.parametrize("value", ["placental trophoblasts", "villous trophoblasts"])
def test_the_plural_names_the_cells_and_their_organ_is_the_tissue(value: str) -> None:
    terms = _terms(value)
    assert terms.get("cell_type") == "CL:0000351"  # trophoblast cell
    assert terms.get("tissue") == "UBERON:0001987"  # placenta


def test_a_plural_no_cell_is_named_for_keeps_its_organ() -> None:
    terms = _terms("B cells sorted from tonsils")
    assert terms.get("cell_type") == "CL:0000236"  # B cell
    assert terms.get("tissue") == "UBERON:0002372"  # tonsil
