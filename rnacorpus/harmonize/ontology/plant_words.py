"""A value that names a plant part or a plant gets no anatomy term: UBERON describes animals.

Family (GEO's tissue field holds hundreds of them, the organism column often left out):
``citrus root tips``, ``2-5mm tassel primordia``, ``pollen tube``, ``anther and filament``,
``shoot apices plus leaf primordia``, ``5 day post-fertilization silique``, ``regeneration tissues of
poplar trucks``. The phrase scan reads a generic animal word in them (tip, tube, primordium, hair root)
or a near spelling (anther → antler, anthesis → enthesis, trucks → trunk); every such reading is a term
for a structure the sample does not have. When the value holds a word that names only a plant organ or
tissue (:data:`PLANT_WORDS`: seedling, anther, panicle, hypocotyl, meristem …), a phrase of one
(``root tip``, ``shoot apex``), or a plant's common name (:data:`PLANT_NAMES`: arabidopsis, maize,
poplar …), the tissue stays unmapped with the word in the reason.

General: the words are those botany uses for plant organs, tissues and growth stages and crop names,
none of which names an animal structure. Words shared with animal anatomy are left out and decide
nothing here: root (tooth, nerve, aortic root), stem (stem cells, brain stem), bud (limb, taste bud),
rosette (olfactory rosette), cotyledon (placental cotyledon), callus (bone callus), crown (tooth),
silk (silk gland), tuber (tuber cinereum), spike, tip, tube, and tomato (the tdTomato reporter:
``Tomato+ epidermis``); "fruit" before "fly" is the
animal (a fruit fly), and "cotton" names a rat too.
"""

from __future__ import annotations

import re

__all__ = ["PLANT_NAMES", "PLANT_PHRASES", "PLANT_WORDS", "plant_word"]

#: words naming only a plant organ, tissue, part or stage (singular and plural)
PLANT_WORDS = frozenset(
    {
        "seedling", "seedlings", "silique", "siliques", "anther", "anthers", "anthesis", "pollen", "panicle",
        "panicles", "tassel", "tassels", "hypocotyl", "hypocotyls", "epicotyl", "epicotyls", "coleoptile",
        "coleoptiles", "endosperm", "aleurone", "inflorescence", "inflorescences", "meristem", "meristems",
        "meristematic", "petal", "petals", "sepal", "sepals", "stamen", "stamens", "pistil", "pistils",
        "carpel", "carpels", "ovule", "ovules", "leaf", "leaves", "stolon", "stolons",
        "rhizome", "rhizomes", "xylem", "phloem", "cambium", "trichome", "trichomes", "spikelet", "spikelets",
        "protoplast", "protoplasts", "mesophyll", "radicle", "flower", "flowers", "floral", "fruit", "fruits",
        "berry", "berries", "tendril", "tendrils", "pericarp", "seed", "seeds", "kernel", "kernels", "lemma",
        "palea", "glume", "glumes", "plant", "plants",
    }
)  # fmt: skip
#: two-word phrases naming a plant part whose words alone are shared with animal anatomy
PLANT_PHRASES = frozenset({("root", "tip"), ("root", "tips"), ("shoot", "tip"), ("shoot", "tips"), ("shoot", "apex")})
PLANT_PHRASES |= {("shoot", "apices"), ("root", "hair"), ("root", "hairs")}
#: common names of plants GEO series are made on (the organism column is often not given)
PLANT_NAMES = frozenset(
    {
        "arabidopsis", "rice", "maize", "soybean", "poplar", "potato", "grapevine", "citrus",
        "barley", "wheat", "tobacco", "cucumber", "sorghum", "medicago", "brassica",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z]+")
#: a plant word followed by one of these names an animal (fruit fly)
_ANIMAL_AFTER = frozenset({"fly", "flies"})


def plant_word(value: str) -> str | None:
    """The first word (or two-word phrase) of ``value`` that names a plant part or a plant, else ``None``."""
    words: list[str] = _WORD.findall(value.lower())
    for at, word in enumerate(words):
        after = words[at + 1] if at + 1 < len(words) else ""
        if (word in PLANT_WORDS or word in PLANT_NAMES) and after not in _ANIMAL_AFTER:
            return word
        if (word, after) in PLANT_PHRASES:
            return f"{word} {after}"
    return None
