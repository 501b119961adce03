"""``adipose tissue (epididymal)``: a one-word qualifier in parentheses after a tissue names what
"<qualifier> <tissue>" names by the ordinary rules (epididymal adipose tissue is the epididymal fat
pad), when that is a kind or part of the tissue. Before, the parenthesis was dropped and the value read
as plain adipose tissue (a fresh GEO tissue value). A parenthesis naming a part keeps refining as before,
and a qualifier that names nothing with the tissue (a side, a state) leaves the tissue as written."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("adipose tissue (epididymal)", "UBERON:0010412"),  # epididymal fat pad
        ("adipose tissue (inguinal)", "UBERON:0010410"),  # inguinal fat pad
        ("adipose tissue (perigonadal)", "UBERON:0003428"),  # gonadal fat pad
        ("lymph node (inguinal)", "UBERON:0001542"),
    ],
)
def test_the_qualifier_composes_with_the_tissue(value: str, term: str) -> None:
    assert _tissue(value) == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Brain (cerebellum)", "UBERON:0002037"),  # a part in parentheses still refines
        ("liver (left)", "UBERON:0002107"),  # a side composing into nothing leaves the organ
    ],
)
def test_parts_and_plain_qualifiers_keep_their_reading(value: str, term: str) -> None:
    assert _tissue(value) == term
