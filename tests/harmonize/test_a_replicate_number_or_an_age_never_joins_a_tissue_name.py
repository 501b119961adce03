"""A replicate number after ``#`` and a number before a time unit or after ``n=`` are bookkeeping or
an age: they never join the tissue's name. Before, ``digits, 8 weeks`` was digit 8 (the age's number
kept when the unit was dropped as filler), ``digits #2`` digit 2, and ``adrenal gland #2`` the
adrenal tissue (the value with its number rewritten with "tissue" before the name as written was
tried); ``appendix (n=3)`` read only by a one-word synonym."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.value_words import core_words, is_time_number


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("digits, 8 weeks", "UBERON:0002544"),
        ("digits 24 h", "UBERON:0002544"),
        ("digits #2", "UBERON:0002544"),
        ("adrenal gland #2", "UBERON:0002369"),
        ("tonsillar tissue (n=3)", "UBERON:0002372"),
        ("liver, 8 weeks", "UBERON:0002107"),
    ],
)
def test_the_number_stays_out_of_the_name(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_a_number_that_is_part_of_a_name_is_kept() -> None:
    assert _tissue("digit 2") == "UBERON:0006049"
    assert _tissue("Brodmann area 9") == "UBERON:0013540"


def test_only_a_number_before_a_time_unit_is_an_age() -> None:
    assert is_time_number(["8", "weeks"], 0) and is_time_number(["6.5", "days"], 0)
    assert not is_time_number(["area", "9"], 1) and not is_time_number(["8", "cell"], 0)
    assert core_words(["digits", "8", "weeks"]) == ["digits"]
