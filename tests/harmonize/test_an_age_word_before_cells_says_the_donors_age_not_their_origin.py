"""Under a cell-type key, a word naming a period of life written with the cells (``adult B cells``,
``embryonic cortical neurons``, CL's own ``adult skeletal muscle myoblast``) says the donor's age, not
where the cells were taken from: its tissue readings (adult organism, embryonic tissue) are only
synonyms or rewrites of the word. The cells' origin comes from the other words or the cell type, or
is not given. A label of a structure at that stage (``blastocysts``, ``embryo``) is a place cells are
taken from and keeps its reading."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

ADULT_ORGANISM, EMBRYONIC_TISSUE = "UBERON:0007023", "UBERON:0005291"


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("cell type", value, organism="mouse") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("adult skeletal muscle myoblasts", "UBERON:0001134"),  # skeletal muscle tissue, from the cell kind
        ("embryonic cortical neurons", "UBERON:0000956"),  # cerebral cortex, from the cell type
        ("adult B cells", None),
        ("adult mesenchymal stem cells", None),
    ],
)
def test_the_age_word_gives_no_tissue(value: str, tissue: str | None) -> None:
    found = _tissue(value)
    assert found not in {ADULT_ORGANISM, EMBRYONIC_TISSUE}
    assert found == tissue


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("embryonic stem cells derived from blastocysts", "UBERON:0000358"),  # blastocyst
        ("microglia isolated from adult brain", "UBERON:0000955"),  # brain
    ],
)
def test_a_place_written_with_the_age_word_stays_the_origin(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue
