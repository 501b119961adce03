"""An "Organ - site" / "Organ, site" value names its site after the separator (``Brain - Cortex``,
``Artery - Aorta``). When every tissue is written before it and what follows names none
(``lung lymph node, normal``, ``pleura of the lung - control``), the value is no such value: the
tissues before it are read as they are without the suffix, not the first word taken for the organ."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("lung lymph node, normal", "UBERON:0035764"),  # pulmonary lymph node, not the lung
        ("lung lymph node - control", "UBERON:0035764"),
        ("pleura of the lung - control", "UBERON:0000977"),  # pleura, as without the suffix
    ],
)
def test_the_tissues_before_the_separator_read_as_without_it(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("Brain - Cortex", "UBERON:0000956"),  # cerebral cortex
        ("Artery - Aorta", "UBERON:0000947"),  # aorta
        ("liver, kidney", "UBERON:0002107"),  # a list keeps its first term
    ],
)
def test_a_site_after_the_separator_still_places_the_sample(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue
