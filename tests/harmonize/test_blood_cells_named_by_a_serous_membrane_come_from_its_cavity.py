"""Cells named with the adjective of a serous membrane (``peritoneal``, ``pleural``) come from the
membrane or from the cavity it lines; the cell kind says which. Cells of the blood lineage float in
the cavity and are washed out of it (``peritoneal macrophages``, ``macrophages from peritoneal
cavity``, ``peritoneal B cells`` → peritoneal cavity); the membrane's own cells keep the membrane
(``peritoneal mesothelial cells`` → peritoneum); a kind that lives in both says nothing
(``peritoneal fibroblasts``). A cavity of something that is no serous membrane (the marrow cavity)
does not take over its organ (``bone marrow-derived macrophages`` → bone marrow)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("cell type", value, organism="mouse") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("peritoneal macrophages", "UBERON:0001179"),
        ("macrophages from peritoneal cavity", "UBERON:0001179"),
        ("peritoneal B cells", "UBERON:0001179"),
        ("peritoneal mesothelial cells", "UBERON:0002358"),
        ("bone marrow-derived macrophages", "UBERON:0002371"),
    ],
)
def test_the_cell_kind_says_membrane_or_cavity(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue


def test_a_kind_living_in_both_gives_no_tissue() -> None:
    assert _tissue("peritoneal fibroblasts") is None
