"""After a comma, a second tissue is a site of the first only when it is a part of it (or a part
every organ has, or composes with it into one UBERON name); a second organ makes the value a list,
and a list keeps its first term like "liver and kidney" and "liver; kidney" do — whichever order the
organs come in, so the answer never depends on which organ the depositor happened to write last.
GTEx's "Organ - site" keeps its site even where UBERON files it elsewhere."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

LIVER, KIDNEY, SPLEEN = "UBERON:0002107", "UBERON:0002113", "UBERON:0002106"


def _tissue(value: str, organism: str = "human") -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism=organism) if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("liver, kidney", LIVER),
        ("kidney, liver", KIDNEY),
        ("liver and kidney", LIVER),
        ("liver; kidney", LIVER),
        ("spleen, lymph node", SPLEEN),
        ("bone marrow, femur", "UBERON:0002371"),  # the marrow was sampled, the bone only says where
    ],
)
def test_a_list_of_organs_keeps_its_first_whatever_the_separator(value: str, term: str) -> None:
    assert _tissue(value) == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("lung, alveolar wall", "UBERON:0004894"),  # a part of the lung
        ("heart, left ventricle", "UBERON:0002084"),
        ("Skin, lower leg", "UBERON:0004264"),  # composes into one UBERON name
        ("Kidney - Cortex", "UBERON:0001225"),  # a part every organ has, within the kidney
        ("Brain - Spinal cord (cervical c-1)", "UBERON:0002726"),  # GTEx's dash: the site is the sample
    ],
)
def test_a_site_of_the_organ_is_still_the_sample(value: str, term: str) -> None:
    assert _tissue(value) == term
