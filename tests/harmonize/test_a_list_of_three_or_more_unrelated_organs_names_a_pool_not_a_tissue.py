"""``brain, blood, liver, lung``, ``heart/lung/kidney``, ``liver tissue, kidney tissue, spleen tissue``:
a list of three or more organs none of which holds another names a pooled or multi-organ sample, and no
tissue is picked (label policy since s33; before, the first organ was). Two organs keep their first; an
organ listed with its own parts (``brain, cortex, left``) and names with other words between them are
no list."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks


@pytest.mark.parametrize(
    "value",
    [
        "brain,blood,liver,lung,muscle,testis",
        "heart/lung/kidney",
        "liver, kidney and spleen",
        "liver, kidney, and spleen",
        "heart; lung; kidney; liver",
        "liver tissue, kidney tissue, spleen tissue",
        "pool of heart, lung and liver",
        "frontal cortex, hippocampus and cerebellum",
        "Heart-Lung-Kidney",
    ],
)
def test_a_list_of_three_organs_gives_no_tissue(value: str) -> None:
    assert tissue_picks("tissue", value, organism="mouse") == []


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("liver and kidney", "UBERON:0002107"),
        ("liver, kidney", "UBERON:0002107"),
        ("brain, cortex, left", "UBERON:0000956"),
        ("liver from mice fed a high-fat diet, kidney, spleen", "UBERON:0002107"),
    ],
)
def test_two_organs_or_an_organ_with_its_part_keep_a_tissue(value: str, term: str) -> None:
    assert [t for t, _ in tissue_picks("tissue", value, organism="mouse")] == [term]
