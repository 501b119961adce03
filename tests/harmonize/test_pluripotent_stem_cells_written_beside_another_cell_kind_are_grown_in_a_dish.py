"""Two cell kinds written side by side with no derivation word, one of them pluripotent stem cells: the
head noun is the sample. Stem cells written after the cells they were reprogrammed from ("foreskin
fibroblast iPSC", "skin fibroblast iPS cells", "PBMC hiPSC line") are pluripotent stem cells; cells written
after the stem cells they were made from ("iPSC cardiomyocytes", "hESC neurons") are that kind. Either way
the cells were grown in a dish: the donor cells' origin (foreskin, skin) and the made kind's organ (heart)
are no tissue of the sample. Cells named alone, or stem cells derived from an embryo, keep their tissue."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

PLURIPOTENT = "CL:0002248"


def _fields(value: str, organism: str = "human") -> dict[str, list[str | None]]:
    found = annotate_characteristic("cell type", value, organism=organism)
    out: dict[str, list[str | None]] = {}
    for annotation in found:
        out.setdefault(annotation.field, []).append(annotation.term_id)
    return out


@pytest.mark.parametrize(
    "value",
    [
        "foreskin fibroblast iPSC",
        "skin fibroblast iPS cells",
        "PBMC hiPSC line",
        "dermal fibroblast hiPSCs",
        "keratinocyte iPSC clone 3",
    ],
)
def test_stem_cells_after_their_donor_cells_are_stem_cells_from_no_tissue(value: str) -> None:
    found = _fields(value)
    assert found["cell_type"] == [PLURIPOTENT]
    assert [term for term in found.get("tissue", []) if term] == []


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("iPSC cardiomyocytes", "CL:0000746"),
        ("hESC neurons", "CL:0000540"),
        ("hiPSC hepatocytes", "CL:0000182"),
    ],
)
def test_cells_after_the_stem_cells_they_were_made_from_are_that_kind_from_no_tissue(value: str, kind: str) -> None:
    found = _fields(value)
    assert found["cell_type"] == [kind]
    assert [term for term in found.get("tissue", []) if term] == []


@pytest.mark.parametrize(
    ("value", "tissue", "organism"),
    [
        ("dermal fibroblasts", "UBERON:0002067", "human"),  # no stem cells: the cells' own origin
        ("hepatocytes", "UBERON:0002107", "human"),
        ("embryonic stem cells derived from blastocysts", "UBERON:0000358", "mouse"),  # the ESCs' own source
    ],
)
def test_cells_named_without_stem_cells_beside_them_keep_their_tissue(value: str, tissue: str, organism: str) -> None:
    assert tissue in _fields(value, organism).get("tissue", [])
