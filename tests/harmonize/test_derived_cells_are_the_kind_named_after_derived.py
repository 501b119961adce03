"""In ``<source>-derived <cells>`` the cells are the kind written after "derived" ("monocyte-derived
macrophages" are macrophages, "iPSC-derived endothelial cells" endothelial cells); in ``<cells> derived
from <source>`` the kind written before it. A stem cell as the source (by CL: "MSC-derived adipocytes")
means the cells were made in vitro: no tissue, as for pluripotent sources; a tissue as the source
("cord blood-derived mast cells") is the tissue sampled."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _fields(value: str, organism: str = "human") -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic("cell type", value, organism=organism)}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("monocyte-derived macrophages", "CL:0000235"),
        ("iPSC-derived endothelial cells", "CL:0000115"),
        ("ES cell-derived macrophages", "CL:0000235"),
        ("fibroblast-derived iPSCs", "CL:0002248"),  # reprogrammed fibroblasts are pluripotent stem cells
        ("embryonic stem cells derived from blastocysts", "CL:0002322"),  # the kind before "derived from"
        ("neurons differentiated from induced pluripotent stem cells", "CL:0000540"),
    ],
)
def test_the_cells_are_the_kind_the_source_became(value: str, cell: str) -> None:
    assert _fields(value)["cell_type"] == cell


@pytest.mark.parametrize("value", ["MSC-derived adipocytes", "MSC-derived osteoblasts", "hESC-derived chondrocytes"])
def test_a_stem_cell_source_gives_no_tissue(value: str) -> None:
    assert _fields(value).get("tissue") is None


def test_a_tissue_source_is_the_tissue() -> None:
    assert _fields("cord blood-derived mast cells") == {"cell_type": "CL:0000097", "tissue": "UBERON:0012168"}
