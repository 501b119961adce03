"""Other spellings of a tissue phrase, tried only when the phrase as written names no term.

Depositors write organs in forms the ontology's names do not list. Each family below rewrites the
phrase into the forms UBERON does list; the matcher (:func:`~.match.match_text`) looks every rewrite
up with its ordinary rules (curated table, labels, exact synonyms, normalized and bag forms — never
fuzzy) and accepts the answer only when all rewrites that name something name **one** term. Two
different terms are reported as ambiguity, never picked. Nothing here names a term by itself: every
answer is an ontology name or a reviewed curated row reached by a rewrite.

Families (one function each; the docstring says what it covers):

* :func:`adjective_nouns`   — adjectival organ forms (``striatal``, ``tonsillar``, ``myocardial``);
* :func:`sided_adjectives`  — the same after side words, read as a sided name (``left ventricular``);
* :func:`head_nouns`        — an organ word whose name adds a head noun (``cartilage`` → cartilage
  tissue, ``epididymal fat`` → epididymal fat pad, fat = adipose tissue);
* :func:`~.word_forms.latin_singulars` — Latin and irregular plurals (``hippocampi``, ``uteri``, ``cortices``);
* :func:`~.word_forms.possessives` — eponyms without the apostrophe (``Peyers patches``, ``Whartons jelly``);
* :func:`sided_names`       — a side or position word before a part whose sided term UBERON names
  differently (``left atrial appendage`` → left atrium auricular region);
* :func:`organ_parts`       — an organ (noun or adjective) followed by a layer or part of it, in an
  order or form UBERON does not list (``esophageal squamous epithelium`` → esophagus squamous
  epithelium, ``distal colon epithelium`` → colonic epithelium), accepted only for a part of that organ.

Whether a rewrite may be trusted (an adjective UBERON writes for several organs, a part it names per
organ) is read from the ontology's own names by :mod:`.name_pairs`.

Hyphen-, slash- and underscore-joined values (``skin-lesional``, ``colon_mucosa``) are split where
the phrases are found (:func:`~.mentions.find_mentions`), not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rnacorpus.harmonize.ontology.word_forms import latin_singulars, possessives

__all__ = [
    "ADJECTIVE_ENDINGS",
    "SIDE_WORDS",
    "adjective_nouns",
    "head_nouns",
    "latin_singulars",
    "organ_parts",
    "possessives",
    "sided_adjectives",
    "sided_names",
    "tissue_rewrites",
]

_WORD = re.compile(r"[A-Za-z]+")
#: words that place a part (left, upper …); never adjectives of an organ, and the sided family's cue
SIDE_WORDS = frozenset(
    {
        "left", "right", "upper", "lower", "anterior", "posterior", "proximal", "distal", "dorsal", "ventral",
        "medial", "lateral", "inner", "outer", "superior", "inferior", "middle", "central", "external", "internal",
    }
)  # fmt: skip
#: adjective endings, longest first: the stem is what remains ("striat|al", "hypothalam|ic")
ADJECTIVE_ENDINGS = ("ical", "eal", "ial", "ary", "ic", "al", "ar", "ine", "ile", "ous", "an")
#: noun endings a Latin or Greek organ name puts back on the stem (striat+um, hypothalam+us, aort+a)
_NOUN_ENDINGS = ("", "a", "um", "us", "is", "y", "e", "ium", "ia", "on")
#: stem-final spellings that change in the noun: pharyng-eal → pharynx, appendic-eal → appendix,
#: pancreat-ic → pancreas, tonsill-ar → tonsil, ventricul-ar → ventricle, tubul-ar → tubule,
#: cortic-al → cortex, apic-al → apex (Latin -ex, -icis), mandibul-ar → mandible (Latin -ula),
#: diaphragmat-ic → diaphragm (Greek -ma, -matos); "-ary" as in maxill-ary → maxilla
_STEM_CHANGES = (
    ("ng", "nx"), ("c", "x"), ("t", "s"), ("ll", "l"), ("cul", "cle"), ("ul", "ule"), ("ul", "le"), ("ic", "ex"),
    ("mat", "m"),
)  # fmt: skip
#: head nouns an organ word may stand for; "fat" and "adipose" also stand for each other
#: ("gland" is not one: UBERON's "lingual gland", "buccal gland", "femoral gland" are glands *of* the
#: organ, or of frogs and lizards, where the depositor's "lingual" means the tongue)
_HEADS = ("tissue",)
_FAT_FORMS = {
    "fat": ("fat pad", "adipose tissue"),
    "adipose": ("adipose tissue", "fat", "fat pad"),
    "wat": ("fat pad", "white adipose tissue", "adipose tissue"),  # "inguinal WAT": white adipose tissue
}
_MIN_STEM = 4


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def adjective_nouns(text: str) -> Iterator[str]:
    """Adjectival organ forms (``hypothalamic``, ``striatal``, ``tonsillar``, ``myocardial``,
    ``pharyngeal``, ``appendiceal``): the one-word value, with its adjective ending exchanged for the
    noun endings Latin organ names take. The matcher accepts a noun only through an UBERON name, and
    :func:`adjective_conflicts` vetoes an adjective the ontology itself uses for other organs
    (``cervical``: neck or cervix)."""
    words = _words(text)
    if len(words) != 1 or words[0].lower() in SIDE_WORDS:
        return
    word = words[0].lower()
    for ending in ADJECTIVE_ENDINGS:
        if not word.endswith(ending) or len(word) - len(ending) < _MIN_STEM:
            continue
        stem = word[: -len(ending)]
        stems = [stem] + [stem[: -len(old)] + new for old, new in _STEM_CHANGES if stem.endswith(old)]
        for base in stems:
            for noun_ending in _NOUN_ENDINGS:
                yield base + noun_ending


def head_nouns(text: str) -> Iterator[str]:
    """An organ or tissue word whose UBERON name adds a head noun: ``cartilage`` → cartilage tissue,
    ``subcutaneous adipose`` → subcutaneous adipose tissue, and fat (or
    WAT) written for adipose tissue or a fat pad (``subcutaneous fat``, ``epididymal fat``, ``inguinal
    WAT``, ``Adipose - Visceral``).
    Word order is free downstream (bag form), so GTEx's ``Muscle - Skeletal`` reaches skeletal muscle
    tissue."""
    words = [word.lower() for word in _words(text)]
    if not words:
        return
    if words[-1] not in _HEADS:
        for head in _HEADS:
            yield f"{' '.join(words)} {head}"
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in _FAT_FORMS and following not in {"tissue", "pad"}:
            for form in _FAT_FORMS[word]:
                yield " ".join([*words[:i], form, *words[i + 1 :]])


def sided_names(text: str, resolve: Callable[[str], str | None], names: Callable[[str], list[str]]) -> Iterator[str]:
    """A side or position word (left, right, upper …) first or last, beside a part named by a synonym
    whose sided term UBERON names from another synonym: ``left atrial appendage`` → the part is
    atrium auricular region, and "left atrium auricular region" is a term. ``resolve`` gives the part's
    term, ``names`` every name of a term."""
    words = _words(text)
    if len(words) < 2:
        return
    for side, rest in ((words[0], words[1:]), (words[-1], words[:-1])):
        if side.lower() not in SIDE_WORDS:
            continue
        part = resolve(" ".join(rest))
        if part is None:
            continue
        for name in names(part):
            yield f"{side.lower()} {name}"


def organ_parts(
    text: str, resolve: Callable[[str], str | None], names: Callable[[str], list[str]]
) -> Iterator[tuple[str, str]]:
    """(rewrite, organ term) for an organ followed by a part of it, written in an order or form UBERON
    does not list: the organ as a noun or an adjective (``esophageal``, ``oesophageal``, ``renal``)
    first, the part after it (``squamous epithelium``, ``mucosa``, ``crypts``); leading side or
    position words (``distal``, ``proximal``) are dropped — the part of the whole organ holds the
    sided one. Each name of the organ is tried before and after the part (``esophagus squamous
    epithelium``, ``mucosa of colon``). The caller keeps a rewrite only when its term is a part of the
    organ, so a phrase that merely starts with an organ word never becomes some other structure."""
    words = _words(text)
    while words and words[0].lower() in SIDE_WORDS:
        words = words[1:]
    for split in range(1, len(words)):
        organ = resolve(" ".join(words[:split]))
        if organ is None:
            continue
        part = " ".join(words[split:]).lower()
        for name in dict.fromkeys([*names(organ), " ".join(words[:split]).lower()]):
            yield f"{name} {part}", organ
            yield f"{part} of {name}", organ


def sided_adjectives(text: str) -> Iterator[str]:
    """An organ adjective after side or position words (``left ventricular``, ``right atrial``): the
    words kept, the adjective read as its nouns (``left ventricle``). The side words make the name:
    UBERON's "left ventricle" is the heart's alone, where the bare adjective has several readings."""
    words = _words(text)
    if len(words) < 2 or not all(word.lower() in SIDE_WORDS for word in words[:-1]):
        return
    sides = " ".join(word.lower() for word in words[:-1])
    for noun in adjective_nouns(words[-1]):
        yield f"{sides} {noun}"


def tissue_rewrites(text: str) -> Iterator[tuple[str, str]]:
    """(rewrite, family) for the families that need no index (the sided family does)."""
    for family, produce in (
        ("latin_plural", latin_singulars),
        ("possessive", possessives),
        ("head_noun", head_nouns),
        ("adjective", adjective_nouns),
        ("sided_adjective", sided_adjectives),
    ):
        for rewritten in produce(text):
            yield rewritten, family
