"""Cells written as circulating (``circulating leukocytes`` in GEO's tissue field, ``circulating
monocytes``, ``circulating endothelial cells``) were taken from the blood, whatever their kind's own
origin: the tissue is blood, derived (cell_type_origin), and the cell type is still read. Without the
word the kind keeps its own reading (monocytes alone name no tissue)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

BLOOD = "UBERON:0000178"


def _found(key: str, value: str) -> dict[str, tuple[str | None, str]]:
    return {a.field: (a.term_id, a.method) for a in annotate_characteristic(key, value, organism="human")}


@pytest.mark.parametrize("key", ["tissue", "cell type"])
@pytest.mark.parametrize(
    "value", ["circulating leukocytes", "circulating monocytes", "circulating B cells", "circulating endothelial cells"]
)
def test_circulating_cells_come_from_the_blood(key: str, value: str) -> None:
    found = _found(key, value)
    assert found["tissue"] == (BLOOD, "cell_type_origin")
    assert (found["cell_type"][0] or "").startswith("CL:")


def test_without_the_word_the_kind_names_no_tissue() -> None:
    assert _found("cell type", "monocytes").get("tissue", (None, ""))[0] is None
