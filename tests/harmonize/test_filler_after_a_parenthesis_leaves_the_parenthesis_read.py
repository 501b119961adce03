"""Filler words at a value's ends (``Adipose (visceral) tissue``, ``nerve (sciatic) tissue``) are
dropped before the parentheses are: the value is read as ``Adipose (visceral)`` — visceral fat, as the
tuning pair without "tissue" reads — not as "Adipose tissue" with the parenthesis gone."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("Adipose (visceral) tissue", "UBERON:0035818"),  # visceral fat, not adipose tissue
        ("fat (epididymal) tissue", "UBERON:0010412"),  # epididymal fat pad
        ("nerve (sciatic) tissue", "UBERON:0001322"),  # sciatic nerve, not neural tissue
        ("muscle (soleus) tissue", "UBERON:0001389"),  # soleus muscle, not muscle tissue
    ],
)
def test_the_parenthesis_still_names_the_part(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue == _tissue(value.removesuffix(" tissue"))


def test_a_value_without_filler_at_its_ends_reads_as_before() -> None:
    assert _tissue("liver (adult)") == "UBERON:0002107"
