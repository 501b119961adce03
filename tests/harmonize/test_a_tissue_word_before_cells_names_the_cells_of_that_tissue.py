"""Family: under a cell-type key, a tissue word that is no organ — a germ layer, an embryonic or
extraembryonic tissue — followed by "cells" ("hESC Derived CD184+ Endoderm Cultured Cells", "Mesoderm
Cultured Cells", "trophoblast cells") names CL's "<word> cell" (endodermal, mesodermal, trophoblast
cell). An organ word before "cells" ("liver cells") says where cells were taken from, not their kind."""

from __future__ import annotations

import pytest

from tests.harmonize.cell_picks import cell_picks


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("hESC Derived CD184+ Endoderm Cultured Cells", "CL:0000223"),
        ("hESC Derived CD56+ Mesoderm Cultured Cells", "CL:0000222"),
        ("endoderm cells", "CL:0000223"),
        ("Trophoblast Cultured Cells", "CL:0000351"),
    ],
)
def test_the_tissues_cells_are_the_kind(value: str, term: str) -> None:
    assert cell_picks("cell type", value) == [term]


@pytest.mark.parametrize("value", ["liver cells", "placental cells", "primary lung cells"])
def test_an_organ_word_before_cells_names_no_kind(value: str) -> None:
    assert cell_picks("cell type", value) == []
