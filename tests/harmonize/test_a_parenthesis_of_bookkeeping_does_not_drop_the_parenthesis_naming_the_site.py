"""A parenthesis holding only sample bookkeeping (donor, patient or replicate numbers) is dropped on
its own, so a parenthesis before or after it that says where in the organ still counts: ``colon
(descending) (donor 2)`` was the colon (every parenthesis dropped at once), now the descending colon,
as ``colon (descending)`` is."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.value_words import without_bookkeeping


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("colon (descending) (donor 2)", "UBERON:0001158"),
        ("colon (donor 2) (descending)", "UBERON:0001158"),
        ("kidney (cortex) (patient 3)", "UBERON:0001225"),
        ("colon (descending) (rep1)", "UBERON:0001158"),
        ("liver (donor 2)", "UBERON:0002107"),
    ],
)
def test_the_site_in_parentheses_is_kept_beside_bookkeeping(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_only_parentheses_of_bookkeeping_are_dropped() -> None:
    assert without_bookkeeping("colon (descending) (donor 2)").split() == ["colon", "(descending)"]
    assert without_bookkeeping("lymph node (mesenteric) (normal)") == "lymph node (mesenteric) (normal)"
    assert without_bookkeeping("liver") == "liver"
