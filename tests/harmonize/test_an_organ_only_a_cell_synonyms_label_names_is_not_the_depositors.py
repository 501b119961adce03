"""Family: a cell kind read through a CL synonym that is another name, not the label shortened
("blastomere cell" → CL's "blastoderm cell"): the organ the label names (blastoderm) is CL's wording,
not the depositor's, and gives no tissue. A synonym that is the label with words left out ("alveolar
epithelial cells" for "pulmonary alveolar epithelial cell") or that names the organ itself ("hepatic NK
cells" for "liver-resident natural killer cell") keeps the label's organ."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(("key", "value"), [("tissue", "blastomere cell"), ("cell type", "blastomere cells")])
def test_no_tissue_from_the_synonyms_label(key: str, value: str) -> None:
    assert tissue_picks(key, value, organism="mouse") == []


@pytest.mark.parametrize(
    ("value", "organ"),
    [("alveolar epithelial cells", "UBERON:0002048"), ("hepatic NK cells", "UBERON:0002107")],
)
def test_a_shortened_label_or_a_written_organ_keeps_it(value: str, organ: str) -> None:
    assert tissue_picks("cell type", value) == [(organ, "cell_type_origin")]
