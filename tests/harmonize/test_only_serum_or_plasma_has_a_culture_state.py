"""A culture state word (free, starved, stimulated, depleted …) makes a reagent only of serum or plasma.

``serum-free medium`` and ``serum starved`` name what cells were kept in, so the serum is no tissue of
the sample (reagent_words). The same words after any other tissue keep that tissue: a ventricle's
``free wall`` is part of the heart, a liver ``stimulated`` with LPS is still liver.
"""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import sample
from rnacorpus.schemas.models import Characteristic

HUMAN = 9606


def tissue_of(value: str) -> str | None:
    found = sample.characteristic_annotations([Characteristic(key="tissue", value=value)], organism=HUMAN)
    return next((a.term_id for a in found if a.field == "tissue" and a.term_id), None)


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("right ventricular free wall", "UBERON:0002080"),  # heart right ventricle (its wall is part of it)
        ("heart left ventricle free wall", "UBERON:0002084"),
        ("liver stimulated with LPS", "UBERON:0002107"),
        ("brain, free-floating sections", "UBERON:0000955"),
    ],
)
def test_a_state_word_after_another_tissue_keeps_the_tissue(value: str, term: str) -> None:
    assert tissue_of(value) == term


@pytest.mark.parametrize("value", ["fibroblasts in serum-free medium", "serum starved fibroblasts", "plasma depleted"])
def test_serum_or_plasma_in_a_culture_state_is_no_tissue(value: str) -> None:
    assert tissue_of(value) is None
