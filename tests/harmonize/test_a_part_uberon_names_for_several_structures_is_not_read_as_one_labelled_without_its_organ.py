"""A value written as a part without its organ was read as the one UBERON label "<organ> <part>":
``right lobe`` as the pancreas right lobe, so Bgee's curated GTEx library ``Liver-central right lobe``
came out as the pancreas's lobe (a wrong term), ``marginal zone`` as the brain marginal zone and
``auricular region`` as the atrium's. UBERON also names these parts "<part> of <structure>" for other
structures (right lobe of liver, of thyroid gland; marginal zone of spleen): the part alone does not
say whose, and is left unmapped. With its organ written, the organ's own part is read as before."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize("value", ["right lobe", "left lobe", "marginal zone", "auricular region"])
def test_the_part_alone_names_no_organ_s_part(value: str) -> None:
    assert _tissue(value) is None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("Liver-central right lobe", "UBERON:0002107"),  # the liver, not the pancreas right lobe
        ("liver, right lobe", "UBERON:0001114"),  # right lobe of liver
        ("thyroid right lobe", "UBERON:0001119"),  # right lobe of thyroid gland
        ("spleen marginal zone", "UBERON:0001251"),
        ("vocal folds", "UBERON:0003706"),  # laryngeal vocal fold: UBERON names it for the larynx only
    ],
)
def test_with_its_organ_the_part_is_read(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue
