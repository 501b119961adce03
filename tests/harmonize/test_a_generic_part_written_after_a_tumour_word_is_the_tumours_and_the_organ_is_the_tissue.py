"""``tumor endothelium from normal liver``, ``tumour stroma from the lung``, ``cancer epithelium from
normal colon``: a part UBERON names per organ, written right after a tumour word, is a compartment of
the tumour, not the organ's own part of that name (before: the hepatic sinusoid, UBERON's liver
endothelium); the one organ named beside it, as a phrase of its own, is the tissue sampled. Without a
tumour word the organ's own part is read as before, and with several organs none is chosen."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("tumor endothelium from normal liver", "UBERON:0002107"),
        ("tumor endothelium from liver", "UBERON:0002107"),
        ("tumour stroma from the lung", "UBERON:0002048"),
        ("cancer epithelium from normal colon", "UBERON:0001155"),
    ],
)
def test_the_organ_beside_the_tumour_part_is_read(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value)] == [term]


def test_without_a_tumour_word_the_organs_own_part_is_read() -> None:
    assert [t for t, _ in tissue_picks("tissue", "endothelium from normal liver")] == ["UBERON:0001281"]


def test_several_organs_name_no_one_organ() -> None:
    picks = [t for t, _ in tissue_picks("tissue", "tumor stroma from breast and lung")]
    assert "UBERON:0000310" not in picks and "UBERON:0002048" not in picks
