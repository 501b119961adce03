"""A part UBERON names per organ, written after the organ, is the organ's own one when UBERON names
several: of the parts found within the organ, the one UBERON names for the organ itself ("lamina
propria of mucosa of colon" for ``colon lamina propria``), not those of the organ's parts (ascending,
descending colon lamina propria); of the names "<organ adjective> <part>", the one with the organ's own
adjective (``lung lymph node``: the pulmonary lymph node; "bronchial" is the bronchus's adjective,
written once for the lung). With neither, the readings stay reported."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    (found,) = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found.term_id


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("colon lamina propria", "UBERON:0007177"),
        ("lung lymph node", "UBERON:0035764"),
        ("brain cortex", "UBERON:0000956"),  # one adjective name (cerebral cortex), as before
    ],
)
def test_the_organs_own_part_is_the_answer(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_several_readings_with_no_own_one_stay_reported() -> None:
    assert _tissue("intestinal lamina propria") is None  # small or large intestine's: not said
