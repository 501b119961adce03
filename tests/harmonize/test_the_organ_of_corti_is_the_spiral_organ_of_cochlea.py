"""Family: the everyday name "organ of Corti" (any case, inside longer values: "organ of corti from
cochlea, apical half", cDNA library names) is UBERON's spiral organ of cochlea, which lists only "spiral
organ of Corti" (reviewed row, lead's s34 policy); the reader had kept the cochlea named beside it or
nothing."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

SPIRAL_ORGAN = "UBERON:0002227"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tissue", "organ of Corti"),
        ("tissue", "Organ of corti"),
        ("tissue", "organ of corti from cochlea, basal half"),
        ("tissue", "cochlear organ of Corti, P5"),
        ("source_name", "Mouse Organ of Corti cDNA library"),
    ],
)
def test_the_organ_of_corti_is_the_spiral_organ(key: str, value: str) -> None:
    assert [term for term, _ in tissue_picks(key, value, "mouse")] == [SPIRAL_ORGAN]


def test_the_cochlea_alone_stays_the_cochlea() -> None:
    assert [term for term, _ in tissue_picks("tissue", "cochlea", "mouse")] == ["UBERON:0001844"]
