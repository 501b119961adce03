"""A tissue or cell word that begins a reagent's name (``nerve growth factor``, ``brain-derived
neurotrophic factor``, ``hepatocyte growth factor``, ``bone morphogenetic protein 2``, ``bile acid``)
or is the serum of a culture medium's state (``serum-free medium``, ``serum starved HeLa cells``,
``fibroblasts, serum stimulation``) names no tissue of the sample: each was read as nerve, brain,
liver, bone, bile or blood serum. The rest of the value still gives the tissue (HeLa's origin, the
hepatocytes' liver); a tissue word alone or followed by cells keeps its reading. Cases: treatment and
source phrases as depositors write them (probe of the tuning split's family ``serum-starved
fibroblasts``)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _terms(key: str, value: str, field: str) -> list[str | None]:
    return [a.term_id for a in annotate_characteristic(key, value, organism="human") if a.field == field]


@pytest.mark.parametrize("key", ["source_name", "cell type"])
@pytest.mark.parametrize(
    "value",
    [
        "nerve growth factor",
        "brain-derived neurotrophic factor",
        "hepatocyte growth factor",
        "bone morphogenetic protein 2",
        "serum-free medium",
        "platelet-derived growth factor",
    ],
)
def test_a_reagent_name_gives_no_tissue(key: str, value: str) -> None:
    assert not any(_terms(key, value, "tissue"))
    assert not any(_terms(key, value, "cell_type"))


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("serum starved HeLa cells", "UBERON:0000002"),  # the line's origin, not blood serum
        ("bile acid treated hepatocytes", "UBERON:0002107"),  # the hepatocytes' liver, not bile
        ("fibroblasts, serum stimulation", None),
        ("serum", "UBERON:0001977"),  # the sample itself
        ("human serum", "UBERON:0001977"),
        ("liver cells in medium", "UBERON:0002107"),  # "cells" stops the look-ahead: liver stays
        ("blood plasma", "UBERON:0001969"),
    ],
)
def test_the_rest_of_the_value_gives_the_tissue(value: str, tissue: str | None) -> None:
    found = [term for term in _terms("source_name", value, "tissue") if term]
    assert (found[0] if found else None) == tissue
