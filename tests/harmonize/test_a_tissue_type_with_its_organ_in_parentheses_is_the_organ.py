"""``skeletal muscle (soleus)``: a tissue type followed, in parentheses, by the organ it makes up names
that organ (the soleus is a skeletal muscle organ, the owner of skeletal muscle tissue). Before, the
parenthesis was dropped and the value read as generic skeletal muscle tissue (real GEO tissue values).
A structure that only contains another (bone marrow inside a bone) is no tissue the bone is made of,
and a parenthesis naming no organ leaves the tissue as written."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("skeletal muscle (soleus)", "UBERON:0001389"),
        ("skeletal muscle (left plantaris)", "UBERON:0011905"),
        ("Skeletal muscle (right plantaris)", "UBERON:0011905"),
        ("skeletal muscle (extensor digitorum longus)", "UBERON:0001386"),
        ("neural tissue (hypothalamus)", "UBERON:0001898"),
        ("neural tissue (spinal cord)", "UBERON:0002240"),
    ],
)
def test_the_organ_in_parentheses_is_the_sample(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value, organism="mouse")] == [term]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("bone marrow (femur)", "UBERON:0002371"),  # marrow is inside the bone, not what it is made of
        ("bone marrow (tibia)", "UBERON:0002371"),
        ("skeletal muscle (left)", "UBERON:0001134"),  # a side names no organ
        ("skeletal muscle (mixed)", "UBERON:0001134"),
    ],
)
def test_a_parenthesis_naming_no_organ_of_the_tissue_leaves_it(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value, organism="mouse")] == [term]
