"""An organ followed by a part UBERON names for many organs ("brain parenchyma") is looked for within
the organ. A specialization found nested there speaks for the organ only when one of its names has the
organ's word or adjective ("Esophagus - Mucosa" → esophagus mucosa). The one parenchyma UBERON places
in the brain is the *pineal* parenchyma — an inner organ's part, not the brain's — so it is not the
answer: the parenchyma being the organ's own bulk, the brain is (see the test of the parenchyma of an
organ without a term for it; the organ and the part were reported before)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.schemas import Annotation


def _tissue(value: str) -> Annotation:
    (found,) = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found


def test_an_inner_organs_part_is_not_picked() -> None:
    found = _tissue("brain parenchyma")
    assert found.term_id == "UBERON:0000955"  # the brain, not the pineal parenchyma inside it


@pytest.mark.parametrize(
    ("value", "term"),
    [("Esophagus - Mucosa", "UBERON:0002469"), ("Kidney - Cortex", "UBERON:0001225")],
)
def test_a_part_named_for_the_organ_is_still_found(value: str, term: str) -> None:
    assert _tissue(value).term_id == term
