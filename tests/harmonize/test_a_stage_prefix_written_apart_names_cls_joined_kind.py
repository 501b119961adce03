"""Family: a precursor stage written with its prefix apart ("pre-adipocyte", "pre-osteoblasts", "human
pre-osteoblast cells", "pro-erythroblasts"): CL joins the prefix to the kind (preadipocyte,
preosteoblast, proerythroblast), the reader read the mature kind after the hyphen. The joined kind is
the cells when CL names it; a prefix CL joins to no such kind leaves the reading as it was."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks


@pytest.mark.parametrize(
    ("value", "organism", "term"),
    [
        ("pre-adipocyte", "human", "CL:0002334"),
        ("pre-adipocytes", "mouse", "CL:0002334"),
        ("pre-osteoblasts", "mouse", "CL:0007010"),
        ("human pre-osteoblast cells", "human", "CL:0007010"),
        ("pro-erythroblasts", "human", "CL:0000547"),
    ],
)
def test_the_joined_kind_is_the_cells(value: str, organism: str, term: str) -> None:
    assert cell_picks("cell type", value, organism) == [term]


def test_a_kind_with_no_joined_name_stays() -> None:
    assert cell_picks("cell type", "pre-treatment macrophages", "human") == ["CL:0000235"]
