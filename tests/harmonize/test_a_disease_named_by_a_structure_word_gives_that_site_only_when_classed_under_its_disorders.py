"""A structure's word in a disease's name is its site when the disease is that structure gone wrong
(``fatty liver``, ``Barrett esophagus``, ``dry eye``) or a tumour of it (``prostate tumor``), and no site
when the disease is a growth of its own sharing the word (``hydatidiform mole`` is no skin mole), a
tumour named for the tissue it resembles (``yolk sac tumor`` grows in the gonads) or a life-stage word
read as a structure (``juvenile myelomonocytic leukemia``). MONDO settles which: the word gives the site
only when the disease is classed under a disorder of that structure (liver disorder, esophageal
disorder, prostate neoplasm)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

LIVER, ESOPHAGUS, EYE, PROSTATE = "UBERON:0002107", "UBERON:0001043", "UBERON:0000970", "UBERON:0002367"


def _tissue(value: str) -> tuple[str, str] | None:
    """(tissue, method) decided for the value; the disease itself must be read in every case."""
    found = annotate_characteristic("tissue", value, organism="human")
    assert any(a.field == "disease" and a.term_id for a in found)
    tissues = [(a.term_id, a.method) for a in found if a.field == "tissue" and a.term_id]
    return tissues[0] if tissues else None


@pytest.mark.parametrize(
    ("value", "site"),
    [("fatty liver", LIVER), ("Barrett esophagus", ESOPHAGUS), ("dry eye", EYE), ("prostate tumor", PROSTATE)],
)
def test_a_structure_the_disease_is_classed_under_is_the_site(value: str, site: str) -> None:
    assert _tissue(value) == (site, "disease_site")


@pytest.mark.parametrize(
    "value",
    [
        "complete hydatidiform mole",
        "hydatidiform mole",
        "partial hydatidiform mole",
        "yolk sac tumor",
        "juvenile myelomonocytic leukemia",
    ],
)
def test_a_lesion_sharing_a_structures_word_gives_no_site(value: str) -> None:
    assert _tissue(value) is None
