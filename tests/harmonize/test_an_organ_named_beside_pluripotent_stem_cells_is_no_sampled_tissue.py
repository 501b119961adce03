"""A value that names pluripotent stem cells as the cells' source (``SZ_hiPSC forebrain NPCs``,
``mESC-derived retinal organoids``) describes cells grown in a dish: the organ or region named beside
them says what kind of cells were made, so the value names no sampled tissue. Before, an organ word
was taken as the tissue whenever one was named (forebrain). The family is the capitalised initials
(hiPSC, iPSC, hESC, mESC, hiPS, hES), joined by an underscore, hyphen or space, and the written-out
words; a bare ``PSC`` (primary sclerosing cholangitis) or ``ESC`` (endometrial stromal cells) and the
stem cells of a tissue (haematopoietic stem cells from bone marrow) keep their organ."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(key: str, value: str) -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("source_name", "SZ_hiPSC forebrain NPCs"),
        ("source_name", "mESC-derived retinal organoids"),
        ("source_name", "hiPS-derived hepatocytes from liver donor"),
        ("cell type", "iPSC_hippocampal neurons"),
        ("tissue", "embryonic stem cell-derived kidney organoid"),
        ("source_name", "hESC midbrain dopaminergic progenitors"),
        ("source_name", "induced pluripotent stem cell lung organoid"),
    ],
)
def test_the_organ_names_what_was_grown(key: str, value: str) -> None:
    assert _tissue(key, value) is None


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("source_name", "PSC liver explant", "UBERON:0002107"),  # primary sclerosing cholangitis
        ("source_name", "ESC endometrium", "UBERON:0001295"),  # endometrial stromal cells
        ("cell type", "hematopoietic stem cells from bone marrow", "UBERON:0002371"),
        ("source_name", "forebrain NPCs", "UBERON:0001890"),
        ("source_name", "hepatocytes from liver donor", "UBERON:0002107"),
    ],
)
def test_other_initials_and_tissue_stem_cells_keep_their_organ(key: str, value: str, term: str) -> None:
    assert _tissue(key, value) == term
