"""``muscle invasive bladder tumor``: a kind of tissue written before "invasive"/"invasion" stages the
tumour by the layer it grew into; the organ named beside it (or the tumour's site) is the sample, not
muscle tissue (a real GEO tissue value). An organ before "invasive" is the tumour's own organ (TCGA's
``breast invasive carcinoma``)."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

_BLADDER = "UBERON:0001255"


@pytest.mark.parametrize(
    "value",
    [
        "muscle invasive bladder tumor",
        "non muscle invasive bladder tumor",
        "Muscle invasive bladder cancer",
        "bladder, muscle invasive tumour",
    ],
)
def test_the_organ_beside_the_invaded_layer_is_the_sample(value: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value)] == [_BLADDER]


def test_a_layer_invaded_with_no_organ_named_gives_no_tissue() -> None:
    assert tissue_picks("tissue", "muscle invasion urothelial carcinoma") == []


def test_an_organ_before_invasive_is_the_tumours_organ() -> None:
    assert [t for t, _ in tissue_picks("tissue", "breast invasive carcinoma")] == ["UBERON:0000310"]
