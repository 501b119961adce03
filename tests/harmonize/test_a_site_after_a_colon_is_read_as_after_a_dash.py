"""``Neocortex germinal zone: cortical plate (CP)``, ``adipose: greater omentum``, ``Brain: hippocampus``:
depositors separate the organ and the site taken from it by a colon as GTEx does by a dash; the site
written after the colon is the sample (before, the organ written first was kept: neocortex). The organ
alone, or an organ with a word that names no site, stays the organ."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Neocortex germinal zone: cortical plate (CP)", "UBERON:0005343"),
        ("Neocortex: ventricular zone", "UBERON:0003053"),
        ("adipose: greater omentum", "UBERON:0010414"),
        ("Brain: hippocampus", "UBERON:0002421"),
        ("Kidney: cortex", "UBERON:0001225"),
    ],
)
def test_the_site_after_the_colon_is_read(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value)] == [term]


@pytest.mark.parametrize(("value", "term"), [("Skin: lesional", "UBERON:0002097"), ("Liver:", "UBERON:0002107")])
def test_an_organ_with_no_site_after_the_colon_stays_the_organ(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value)] == [term]
