"""Family: an unread word beside an organ names a part of it when UBERON uses the word in that part's
names (``stomach corpus`` → body of stomach). A word UBERON writes only inside a hyphenated compound
of the name (``imaginal disc-derived wing``: what the wing grew from; ``carotid artery intima-media
region``: two layers together) is no name of that part: ``wing discs`` are not the adult wing, and
``carotid artery intima`` is not the intima-media region. The organ read stays (or another reader
answers)."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "organism", "wrong"),
    [
        ("wing discs", "Drosophila melanogaster", "UBERON:0000984"),  # imaginal disc-derived wing
        ("wing disc", "Drosophila melanogaster", "UBERON:0000984"),
        ("carotid artery intima", "human", "UBERON:1200002"),  # carotid artery intima-media region
    ],
)
def test_the_hyphenated_name_is_no_part_named_by_the_word(value: str, organism: str, wrong: str) -> None:
    assert wrong not in [term for term, _ in tissue_picks("tissue", value, organism)]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("stomach corpus", "UBERON:0001161"),  # body of stomach
        ("gastric antral biopsy", "UBERON:0001165"),  # pyloric antrum
        ("carotid artery intima", "UBERON:0005396"),  # the artery, read as written
    ],
)
def test_a_word_of_its_own_in_a_part_name_still_names_the_part(value: str, term: str) -> None:
    assert [found for found, _ in tissue_picks("tissue", value, "human")] == [term]
