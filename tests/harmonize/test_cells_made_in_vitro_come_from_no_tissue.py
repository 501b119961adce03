"""Cells differentiated in a dish from pluripotent or other stem cells ("hiPSC-derived cardiomyocytes",
"in vitro differentiated adipocytes") or reprogrammed from another kind ("reprogrammed cardiomyocytes",
"transdifferentiated hepatocytes") were never part of a tissue: the organ their kind comes from
(cardiomyocytes → heart) is not the sample's tissue, so none is given and the reason says why. Cells
derived from a tissue ("bone marrow-derived macrophages") keep that tissue, and stem cells that were
themselves derived from an embryo keep theirs."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.derivation import made_in_vitro


def _tissue(value: str, organism: str = "human") -> list[tuple[str | None, str | None]]:
    found = annotate_characteristic("cell type", value, organism=organism)
    return [(a.term_id, a.reason) for a in found if a.field == "tissue"]


@pytest.mark.parametrize(
    "value",
    [
        "hiPSC-derived cardiomyocytes",
        "cardiomyocytes derived from human iPSCs",
        "in vitro differentiated adipocytes",
        "ES cell-derived neural progenitor cells",
        "hPSC-derived podocytes",
        "iPSC-derived retinal pigment epithelium",
        "hepatocytes differentiated from induced pluripotent stem cells",
        # one kind turned into another in culture (direct reprogramming of fibroblasts)
        "reprogrammed cardiomyocytes",
        "transdifferentiated hepatocytes",
        "directly reprogrammed neurons from fibroblasts",
        # lower-cased initials ending in "sc" (GEOmetadb's tissue values), the cells named between
        "hipsc-derived cardiomyocytes",
        "derived cardiomyocytes (cms) from hipsc",
    ],
)
def test_no_tissue_for_cells_made_in_vitro(value: str) -> None:
    found = _tissue(value)
    assert [term for term, _ in found] == [None]
    assert "made in vitro" in (found[0][1] or "")


@pytest.mark.parametrize(
    ("value", "term", "organism"),
    [
        ("bone marrow-derived macrophages", "UBERON:0002371", "mouse"),  # derived from a tissue: that tissue
        ("embryonic stem cells derived from blastocysts", "UBERON:0000358", "mouse"),  # the ESCs' own source
        ("hepatocytes", "UBERON:0002107", "human"),  # primary cells: their organ, as before
    ],
)
def test_cells_taken_from_a_tissue_keep_it(value: str, term: str, organism: str) -> None:
    assert [t for t, _ in _tissue(value, organism)] == [term]


@pytest.mark.parametrize("value", ["brain stem-derived neurons", "mouse ES cells", "monocyte-derived macrophages"])
def test_a_stem_word_or_a_cell_source_alone_is_not_in_vitro_derivation(value: str) -> None:
    assert made_in_vitro(value) is None
