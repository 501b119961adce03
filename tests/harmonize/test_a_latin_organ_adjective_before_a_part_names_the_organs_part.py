"""A Latin organ adjective whose stem is not the English organ noun (lingual: lingua, the tongue;
vesical: vesica, the urinary bladder) is read through UBERON's own name pairs (mucosa of tongue /
lingual mucosa): before a class noun, a part UBERON names per organ, or a part word that names no term
alone (wall, serosa), it names the organ's own part.
An adjective the pairs give several organs for, or only one pair, stays unread (palatal: one
oropharyngeal name), and the adjective alone never becomes the organ."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.name_pairs import paired_organ
from rnacorpus.schemas import Annotation


def _tissue(value: str, organism: str = "human") -> Annotation | None:
    found = [a for a in annotate_characteristic("tissue", value, organism=organism) if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("lingual muscle", "UBERON:0000378"),  # tongue muscle: UBERON names it "muscle of tongue"
        ("vesical mucosa", "UBERON:0001259"),  # mucosa of urinary bladder
        ("vesical lamina propria", "UBERON:0001261"),  # a part UBERON names per organ, not a class noun
        ("ureteral urothelium", "UBERON:0001254"),  # an adjective the rewrites read, same composition
        # a part word naming no term alone: the organ's part by the organ's names (wall of urinary bladder)
        ("vesical wall", "UBERON:0001256"),
        ("vesical serosa", "UBERON:0001260"),
        ("lingual epithelium", "UBERON:0003357"),
    ],
)
def test_the_adjective_names_the_organs_own_part(value: str, term: str) -> None:
    found = _tissue(value)
    assert found is not None and found.term_id == term


@pytest.mark.parametrize(("adjective", "organ"), [("lingual", "UBERON:0001723"), ("vesical", "UBERON:0001255")])
def test_the_name_pairs_give_one_organ_for_a_latin_adjective(adjective: str, organ: str) -> None:
    assert paired_organ(get_index(), adjective) == organ


@pytest.mark.parametrize("adjective", ["palatal", "pulmonary", "renal", "tubal"])
def test_an_adjective_with_one_pair_or_several_organs_is_not_paired(adjective: str) -> None:
    # palatal: one pair (oropharyngeal choana); pulmonary: lung, pulmonary artery and valve; renal:
    # kidney, ureter (renal pelvis); tubal: none
    assert paired_organ(get_index(), adjective) is None


def test_a_part_after_an_unread_word_keeps_the_part_rather_than_going_unmapped() -> None:
    # the composition only ever makes a generic part more specific: "subcortical" names no organ
    found = _tissue("subcortical white matter")
    assert found is not None and found.term_id == "UBERON:0002316"
