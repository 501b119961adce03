"""A tissue value naming a plant part or a plant (root tips, anthers, panicles, seedlings, a crop's
name) gets no UBERON term: the generic animal words inside it (tip, tube, primordium) and near
spellings (anther → antler) name structures the sample does not have. Words animals share with
plants (root, stem, bud, rosette, cotyledon, callus, fruit fly) keep their animal readings."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.plant_words import plant_word


def _tissue(value: str, key: str = "tissue") -> tuple[str | None, str | None]:
    found = [a for a in annotate_characteristic(key, value) if a.field == "tissue"]
    return (found[0].term_id, found[0].reason) if found else (None, None)


@pytest.mark.parametrize(
    "value",
    [
        "maize root tips, 3 mm",
        "primary root tip (2 mm)",
        "shoot apex with leaf primordia",
        "tassel primordia 1-2 mm",
        "pollen tubes grown in vitro",
        "anthers and filaments",
        "pre-anthesis spikes",
        "poplar trunk regenerating tissue",
        "rice panicles at heading",
        "hypocotyl of etiolated seedlings",
        "root hair zone",
    ],
)
def test_a_plant_value_stays_unmapped_with_the_word_named(value: str) -> None:
    term, reason = _tissue(value)
    assert term is None
    assert reason is None or "plant" in reason  # nothing read at all, or the plant word says why


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("tooth root", "UBERON:0003677"),  # a tooth's root
        ("aortic root", "UBERON:0010172"),
        ("dorsal root ganglion", "UBERON:0000044"),
        ("limb bud", "UBERON:0004347"),
        ("olfactory rosette", "UBERON:2001428"),
        ("brain stem", "UBERON:0002298"),
        ("Tomato+ epidermis", "UBERON:0001003"),  # the tdTomato reporter, not the plant
        ("liver", "UBERON:0002107"),
    ],
)
def test_words_animals_share_with_plants_keep_their_reading(value: str, term: str) -> None:
    assert _tissue(value)[0] == term


def test_the_plant_word_found_is_the_first_in_the_value() -> None:
    assert plant_word("Arabidopsis rosette leaves") == "arabidopsis"
    assert plant_word("citrus root tips") == "citrus"
    assert plant_word("root tip segment") == "root tip"
    assert plant_word("fruit flies, whole") is None  # the animal
    assert plant_word("tooth root, stem cells, limb bud, olfactory rosette, placental cotyledon") is None
    assert plant_word("") is None
