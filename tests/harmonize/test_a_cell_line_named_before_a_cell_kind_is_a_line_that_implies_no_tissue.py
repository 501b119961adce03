"""A bare Cellosaurus name (letters and digits) written before a cell kind CL names — ``3T3-L1
adipocytes``, ``C2C12 myotubes`` — is a line differentiated into that kind, as before "cells": the line
is recognized, the kind is read, and no tissue is implied from the kind (3T3-L1 adipocytes come from no
adipose tissue). A line's tissue is only the origin the reviewed line table states (``THP-1
macrophages`` → blood); cells of no line keep their kind's origin (``adipocytes`` → adipose tissue)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

ADIPOCYTE, MYOTUBE = "CL:0000136", "CL:0002372"
ADIPOSE, BLOOD = "UBERON:0001013", "UBERON:0000178"


def _fields(value: str, organism: str = "mouse") -> dict[str, tuple[str | None, str]]:
    found = annotate_characteristic("cell type", value, organism=organism)
    return {a.field: (a.term_id, a.method) for a in found if a.term_id}


@pytest.mark.parametrize(
    ("value", "line", "kind"), [("3T3-L1 adipocytes", "CVCL_0123", ADIPOCYTE), ("C2C12 myotubes", "CVCL_0188", MYOTUBE)]
)
def test_the_line_and_its_kind_are_read_and_the_kind_implies_no_tissue(value: str, line: str, kind: str) -> None:
    fields = _fields(value)
    assert fields["cell_line"][0] == line and fields["cell_type"][0] == kind
    # 3T3-L1 has no reviewed origin: no tissue; C2C12's reviewed origin (skeletal muscle) is the line's own
    assert fields.get("tissue", (None, "cell_line_origin"))[1] == "cell_line_origin"


def test_a_line_without_a_reviewed_origin_gives_no_tissue() -> None:
    assert "tissue" not in _fields("3T3-L1 adipocytes")


def test_a_reviewed_lines_stated_origin_is_still_its_tissue() -> None:
    assert _fields("THP-1 macrophages", organism="human")["tissue"] == (BLOOD, "cell_line_origin")


@pytest.mark.parametrize("value", ["adipocytes", "primary adipocytes"])
def test_cells_of_no_line_keep_their_kinds_origin(value: str) -> None:
    assert _fields(value)["tissue"] == (ADIPOSE, "cell_type_origin")


@pytest.mark.parametrize("value", ["CD4 T cells", "Th17 cells"])
def test_a_marker_name_before_cells_is_no_line(value: str) -> None:
    assert "cell_line" not in _fields(value)
