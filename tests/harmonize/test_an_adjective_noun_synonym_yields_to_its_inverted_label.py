"""Labels before synonyms, for the same two words inverted: ``aortic arch`` is UBERON's exact synonym
of the embryo's pharyngeal arch artery, while "arch of aorta" labels the adult vessel; the label
reading of the inverted "<part> of <organ>" form is taken (the organ noun from the adjective by the
adjectival-ending family, accepted only through a label lookup). Before, every "aortic arch" — a
frequent tissue of adult mouse atherosclerosis studies — was read as the embryonic artery. When the
inverted name labels the same term (``gastric fundus``: fundus of stomach) or labels nothing, the
synonym reading stands (``aortic arches``, the embryo's arches)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, get_index
from rnacorpus.harmonize.ontology.inverted_names import inverted_label

ARCH_OF_AORTA = "UBERON:0001508"


def _tissue(key: str, value: str) -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tissue", "aortic arch"),
        ("tissue", "Aortic Arch"),
        ("source_name", "Mus musculus aortic arch C57BL6 adult"),
        ("source_name", "ApoE-/- aortic arch, 16 weeks western diet"),
    ],
)
def test_the_inverted_label_is_read(key: str, value: str) -> None:
    assert _tissue(key, value) == ARCH_OF_AORTA


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("gastric fundus", "UBERON:0001160"),  # inverted name labels the same term
        ("cardiac apex", "UBERON:0002098"),
        ("aortic arches", "UBERON:0004363"),  # the embryo's arches: no inverted label
        ("pelvic bone", "UBERON:0001272"),  # the innominate bone lies within the pelvis
    ],
)
def test_the_synonym_reading_stands_otherwise(value: str, term: str) -> None:
    assert _tissue("tissue", value) == term


def test_only_two_word_phrases_are_inverted() -> None:
    assert inverted_label("arch", "UBERON:0004363", get_index(), ["tissue"]) is None
