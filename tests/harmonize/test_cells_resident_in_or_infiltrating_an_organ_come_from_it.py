"""``<organ>-resident <cells>`` ("lung-resident memory T cells", "liver-resident NK cells") and
``<organ>-infiltrating <cells>`` ("islet-infiltrating T cells") name the organ the cells live in or
invaded and were isolated from: the hyphen no longer hides the organ word. A tumour is no organ. A descriptor
of where cells go ("skin-homing memory T cells": sorted from blood by a homing receptor) names no
tissue of origin and gives none."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.derivation import split_source_hyphen


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("cell type", value, organism="mouse") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("lung-resident memory T cells", "UBERON:0002048"),
        ("liver-resident NK cells", "UBERON:0002107"),
        ("brain-resident macrophages", "UBERON:0000955"),
        ("islet-infiltrating T cells", "UBERON:0000006"),
        ("lung-infiltrating neutrophils", "UBERON:0002048"),
    ],
)
def test_the_resident_organ_is_the_tissue(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_a_homing_descriptor_or_a_tumour_gives_no_tissue() -> None:
    assert _tissue("skin-homing memory T cells") is None
    assert _tissue("tumor-infiltrating lymphocytes") is None
    assert split_source_hyphen("skin-homing, lung-resident") == "skin-homing, lung resident"
