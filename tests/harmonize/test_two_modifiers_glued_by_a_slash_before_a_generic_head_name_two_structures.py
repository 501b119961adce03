"""``somatosensory/motor cortex``: two modifiers glued by a slash into one word before a head each name
a structure with it (somatosensory cortex, motor cortex); when the head's own term holds neither (the
generic cortex of any organ), the value names two structures, not one, and no tissue is picked (real
GEO tissue values; before, the generic cortex was). A head that holds both (spinal cord) stands."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    "value",
    [
        "somatosensory/motor cortex",
        "prefrontal/orbito-frontal cortex",
        "frontal/parietal cortex",
        "Motor/Visual cortex",
    ],
)
def test_the_glued_alternatives_give_no_tissue(value: str) -> None:
    assert tissue_picks("tissue", value, organism="mouse") == []


@pytest.mark.parametrize(
    ("value", "term"),
    [("cervical/thoracic spinal cord", "UBERON:0002240"), ("motor cortex", "UBERON:0001384")],
)
def test_a_head_holding_both_or_a_single_modifier_is_read(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value, organism="mouse")] == [term]
