"""GTEx's sampling sites as Bgee's curators list them name the tissue, then a landmark after a
preposition of place: ``Skin just above pubic hair`` was read as the strand of pubic hair (a wrong
term), ``Gastrocnemius below patella`` as the gastrocnemius. A tissue phrase written right after
above, below, beneath, under, near … is a landmark when another tissue is named before it; it is read
by nothing, so the skin is the answer. Alone (``above the knee``) it is still read. A noun of position
with "of" places the same way: Bgee's GTEx site ``Minor Salivary Gland - Inner surface of lower lip``
was read as the lower lip (the site after the dash), where the gland is the sample."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("Skin just above pubic hair", "UBERON:0002097"),  # skin, not the pubic hair
        ("Gastrocnemius below patella", "UBERON:0001388"),  # gastrocnemius, not the patella
        ("skin near the ear", "UBERON:0002097"),
        ("above the knee", "UBERON:0001465"),  # no tissue before the preposition: the knee
        ("Minor Salivary Gland - Inner surface of lower lip", "UBERON:0001830"),  # the gland, not the lip
        ("skin from the inner aspect of the upper arm", "UBERON:0002097"),
        ("surface of the lung", "UBERON:0002048"),  # no tissue before the noun of position: the lung
        ("lower lip", "UBERON:0001835"),
    ],
)
def test_the_tissue_before_the_landmark_is_the_sample(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue
