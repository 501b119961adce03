"""Family: the stromal-vascular fraction of a fat depot written as the depot's adjective and "SVF",
"SVCs", "stromal vascular fraction" or "stromal vascular cells" ("subcutaneous svcs", "epididymal SVF",
"inguinal stromal vascular fraction"): what is left of the depot's fat once its adipocytes float off,
sampled from that depot (:mod:`rnacorpus.harmonize.ontology.fat_depots`); the reader had read the
adjective alone (subcutaneous → superficial fascia) or nothing. An adjective with no depot of its name
keeps its own reading (hepatic → liver), never a fat depot."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "depot"),
    [
        ("subcutaneous svcs", "UBERON:0002190"),
        ("subcutaneous SVF", "UBERON:0002190"),
        ("subcutaneous stromal vascular cells", "UBERON:0002190"),
        ("epididymal SVF", "UBERON:0010412"),
        ("inguinal stromal vascular fraction", "UBERON:0010410"),
        ("gonadal SVF", "UBERON:0003428"),
        ("perirenal svf", "UBERON:0005406"),
    ],
)
def test_the_depot_is_the_tissue(value: str, depot: str) -> None:
    assert tissue_picks("tissue", value, "mouse") == [(depot, "normalized")]


def test_an_adjective_with_no_depot_keeps_its_own_reading() -> None:
    assert tissue_picks("tissue", "hepatic SVF", "mouse") == [("UBERON:0002107", "curated")]  # the liver, no fat
