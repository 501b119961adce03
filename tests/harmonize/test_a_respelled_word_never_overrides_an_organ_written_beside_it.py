"""A word one edit from an organ word repairs a mistyped value, but never overrides an organ the
depositor wrote correctly beside it: ``Ambion Human Brain Reference RNA`` (a brand, no mistyped amnion)
is brain, and a tumour "in athymic nude mice" is the tumour's organ, not the thymus (real GEO and EST
library values). A respelling that names the written organ's part, kind, or the organ a written tissue
type makes up (``tibalis anterior muscle``) is still read."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("source_name", "Ambion Human Brain Reference RNA (HBRR)", "UBERON:0000955"),
        ("source_name", "Ambion FirstChoice Human Kidney Total RNA", "UBERON:0002113"),
        ("tissue", "human colorectal tumor xenografted in six-week-old female athymic nude mice", "UBERON:0012652"),
        ("tissue", "lung adenocarcinoma grown in athymic mice", "UBERON:0002048"),
        ("tissue", "pancreatic tumor xenograft in athymic nude mice", "UBERON:0001264"),
    ],
)
def test_the_organ_written_beside_a_look_alike_word_is_kept(key: str, value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks(key, value)] == [term]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("tibalis anterior muscle", "UBERON:0001385"),
        ("gastrocnemicus muscle", "UBERON:0001388"),
        ("brain hypothalmus", "UBERON:0001898"),
        ("normal mamary gland", "UBERON:0001911"),
    ],
)
def test_a_respelling_that_narrows_the_written_organ_is_read(value: str, term: str) -> None:
    assert tissue_picks("tissue", value) == [(term, "fuzzy")]
