"""A named cell gives the tissue it comes from (cell_type_origin, less sure than a named tissue);
initials of primary cells frequent in GEO are reviewed; lines stay lines."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, get_index
from rnacorpus.harmonize.ontology.curated import cell_origins


def _fields(key: str, value: str, organism: str = "human") -> dict[str, tuple[str | None, str]]:
    return {a.field: (a.term_id, a.method) for a in annotate_characteristic(key, value, organism=organism)}


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("hepatocytes", "UBERON:0002107"),  # reviewed origin table
        ("periportal hepatocytes", "UBERON:0002107"),  # a descendant inherits it
        ("bronchial epithelial cells", "UBERON:0002185"),  # an organ word in the CL label
        ("fibroblasts of dermis", "UBERON:0002067"),
        ("HUVEC", "UBERON:0002066"),  # reviewed initials
        ("NHBE", "UBERON:0002185"),
        ("small airway epithelial cells", "UBERON:0002186"),  # reviewed row: small airways are bronchioles
        ("cord blood mononuclear cells", "UBERON:0012168"),  # organ named beside the cell
        ("gastric chief cells", "UBERON:0000945"),  # reviewed rows: cells CL files under no organ
        ("type II taste cells", "UBERON:0001727"),
        ("enteric neurons", "UBERON:0002005"),
        ("urothelial cells", "UBERON:0000365"),
        ("bladder urothelial cells", "UBERON:0001255"),  # the organ named with the cells comes first
    ],
)
def test_a_named_cell_gives_its_tissue_of_origin(value: str, tissue: str) -> None:
    found = _fields("cell type", value)
    assert found["tissue"] == (tissue, "cell_type_origin")


def test_a_named_tissue_beats_the_cells_origin() -> None:
    found = _fields("tissue", "liver biopsy, hepatocytes")
    assert found["tissue"][0] == "UBERON:0002107" and found["tissue"][1] != "cell_type_origin"


def test_cells_found_everywhere_give_no_tissue() -> None:
    assert "tissue" not in _fields("cell type", "fibroblasts")
    assert "tissue" not in _fields("cell type", "CD4+ T cells")


def test_lines_stay_lines() -> None:
    found = _fields("cell line", "HK-2")
    assert found["cell_line"] == ("CVCL_0302", "curated")
    assert found["tissue"][1] == "cell_line_origin" and "cell_type" not in found


def test_every_origin_row_names_live_terms_of_the_right_kind() -> None:
    index = get_index()
    for cell, (tissue, _) in cell_origins().items():
        assert index.scope(cell) == "cell_type" and not index.deprecated(cell), cell
        assert index.scope(tissue) == "tissue" and not index.deprecated(tissue), tissue
