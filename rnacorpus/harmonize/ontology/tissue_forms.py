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

Hyphen-, slash- and underscore-joined values (``skin-lesional``, ``colon_mucosa``) are split where
the phrases are found (:func:`~.mentions.find_mentions`), not here.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator

from rnacorpus.harmonize.ontology.derived import derived_table
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.word_forms import latin_singulars, possessives

__all__ = [
    "ADJECTIVE_ENDINGS",
    "SIDE_WORDS",
    "adjective_conflicts",
    "adjective_narrower_reading",
    "adjective_nouns",
    "head_nouns",
    "latin_singulars",
    "organ_adjective_organs",
    "organ_adjectives",
    "organ_parts",
    "organ_readings",
    "organ_relative_part",
    "paired_organ",
    "possessives",
    "sided_adjectives",
    "sided_names",
    "synonym_noun_readings",
    "tissue_names",
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
#: a part named "<part> of <organ>" for this many organs is organ-relative (cortex, mucosa, epithelium)
_ORGAN_RELATIVE_MIN = 3
_ORGAN = "UBERON:0000062"
_READINGS_SHOWN = 5
#: a synonym noun is ambiguous when at least this many unrelated structures are labelled with it as head
_OTHER_READINGS_MIN = 2
#: name pairs that must agree before an adjective alone is read as an organ (:func:`paired_organ`)
_PAIRS_MIN = 2


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


class _TissueNames:
    """Per index: the names of each tissue term, and the organs UBERON writes each adjective for."""

    def __init__(self, index: OntologyIndex) -> None:
        names = index.tables["names"]
        self.by_term: dict[str, list[str]] = defaultdict(list)
        for term_id, name in zip(names["term_id"].to_pylist(), names["name"].to_pylist(), strict=True):
            if index.scope(term_id) == "tissue":
                self.by_term[term_id].append(name)
        #: adjective → organ → the terms whose name pairs say so (gastric: stomach ← mucosa, fundus …)
        self.adjective_support = self._adjective_organs(index)
        self.adjectives = {adjective: set(organs) for adjective, organs in self.adjective_support.items()}
        self.organ_relative = self._organ_relative()
        #: head noun of each tissue label → the terms so labelled: the last word (villus: intestinal,
        #: chorionic, arachnoid villus …) or, in "<head> of <structure>", the one word before "of"
        #: (fundus of stomach, of gallbladder; not "lens" for the suspensory ligament of lens)
        self.label_heads: dict[str, set[str]] = defaultdict(set)
        for term_id in self.by_term:
            label = (index.label(term_id) or "").lower()
            head, sep, _ = label.partition(" of ")
            words = head.split()
            if sep and len(words) == 1:
                self.label_heads[head].add(term_id)
            elif not sep and len(words) > 1:
                self.label_heads[words[-1]].add(term_id)

    def _organ_relative(self) -> dict[str, dict[str, str]]:
        """part → {organ: the part's term for that organ}, from names "cortex of kidney" …"""
        named: dict[str, set[str]] = defaultdict(set)
        for term_id, term_names in self.by_term.items():
            for name in term_names:
                named[name.lower()].add(term_id)
        # only names of one term: "atrium" of an alveolus is not the cardiac atrium
        term_of = {name: next(iter(terms)) for name, terms in named.items() if len(terms) == 1}
        organs: dict[str, dict[str, str]] = defaultdict(dict)
        for term_id, term_names in self.by_term.items():
            for name in term_names:
                part, sep, organ = name.lower().partition(" of ")
                if sep and part in term_of and organ in term_of:
                    organs[term_of[part]][term_of[organ]] = term_id
        return {part: found for part, found in organs.items() if len(found) >= _ORGAN_RELATIVE_MIN}

    def _adjective_organs(self, index: OntologyIndex) -> dict[str, dict[str, set[str]]]:
        """adjective → organs, from UBERON's own name pairs "<part> of <organ>" / "<adjective> <part>"
        (mucosa of stomach / gastric mucosa): what the ontology says an adjective can mean."""
        term_of: dict[str, set[str]] = defaultdict(set)
        for term_id, term_names in self.by_term.items():
            for name in term_names:
                term_of[name.lower()].add(term_id)
        organs: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for term_id, term_names in self.by_term.items():
            lowered = [name.lower() for name in term_names]
            for name in lowered:
                part, sep, organ = name.partition(" of ")
                if not sep or len(term_of.get(organ, ())) != 1:
                    continue
                for other in lowered:
                    adjective = other[: -len(part) - 1] if other.endswith(" " + part) else ""
                    if adjective and " " not in adjective:
                        for one in term_of[organ]:
                            organs[adjective][one].add(term_id)
        return {adjective: dict(found) for adjective, found in organs.items()}


_lock = threading.Lock()


@functools.lru_cache(maxsize=2)
def _tissue_names(index: OntologyIndex) -> _TissueNames:
    with _lock:
        return derived_table(index, "tissue_forms", lambda: _TissueNames(index))  # kept on disk (derived.py)


def tissue_names(index: OntologyIndex, term_id: str) -> list[str]:
    """Every name (label and exact synonyms) of a tissue term."""
    return list(_tissue_names(index).by_term.get(term_id, ()))


def _unanchored(index: OntologyIndex, part: str, organs: set[str]) -> bool:
    """A part UBERON names for several unrelated organs (``organs``) with no organ of its own that
    holds them all: the cortex (of kidney, thymus, brain …) is unanchored; the myocardium (of each
    heart chamber) is anchored in the heart."""
    unrelated: list[str] = []
    for organ in sorted(organs):
        if not any(index.is_ancestor(organ, o) or index.is_ancestor(o, organ) for o in unrelated):
            unrelated.append(organ)
    if len(unrelated) < _ORGAN_RELATIVE_MIN:
        return False
    shared = set.intersection(*(set(index.ancestors(organ)) for organ in organs))
    own = set(index.ancestors(part)) - {part}
    return not any(a in own and a != _ORGAN and index.is_ancestor(_ORGAN, a) for a in shared)


def organ_relative_part(index: OntologyIndex, term_id: str) -> bool:
    """A part UBERON specializes per organ without an organ of its own (cortex, mucosa, epithelium)."""
    return _unanchored(index, term_id, set(organ_readings(index, term_id)))


def organ_readings(index: OntologyIndex, term_id: str) -> dict[str, str]:
    """organ → the part's own term for it, from UBERON's "<part> of <organ>" names (capsule: kidney →
    kidney capsule, liver → capsule of liver …); empty for a part named for fewer than three organs."""
    return dict(_tissue_names(index).organ_relative.get(term_id, {}))


def organ_adjectives(index: OntologyIndex, organ: str, *, own: bool = False) -> list[str]:
    """The adjectives UBERON writes for ``organ`` (lung: pulmonary), from its own name pairs; ``own``:
    only those whose pairs speak for this organ more than for any other (not bronchial for the lung:
    five pairs name the bronchus, one the lung)."""
    found = []
    for adjective, organs in _tissue_names(index).adjective_support.items():
        if organ in organs and (not own or all(len(organs[organ]) > len(n) for o, n in organs.items() if o != organ)):
            found.append(adjective)
    return sorted(found)


def organ_adjective_organs(index: OntologyIndex, adjective: str) -> set[str]:
    """The organs UBERON's own name pairs write ``adjective`` for (laryngeal: the larynx)."""
    return set(_tissue_names(index).adjectives.get(adjective.lower(), set()))


def paired_organ(index: OntologyIndex, adjective: str) -> str | None:
    """The one organ UBERON writes ``adjective`` for in at least two of its own name pairs (``lingual``:
    mucosa of tongue / lingual mucosa, frenulum of tongue / lingual frenulum …; ``vesical``: neck and
    trigone of urinary bladder) — the family of Latin organ adjectives whose stem is not the English
    organ noun (lingua, vesica), which :func:`adjective_nouns` cannot reach. None when the pairs name
    several organs or only one pair speaks for it (``palatal``: one oropharyngeal choana)."""
    support = _tissue_names(index).adjective_support.get(adjective.lower(), {})
    if len(support) != 1:
        return None
    ((organ, parts),) = support.items()
    return organ if len(parts) >= _PAIRS_MIN else None


def adjective_conflicts(index: OntologyIndex, adjective: str, term_id: str) -> set[str]:
    """The organs UBERON writes ``adjective`` for that are unrelated to ``term_id`` (``cervical``: the
    neck and its vertebrae beside the cervix); the organs' own ones UBERON does not file under it when
    ``term_id`` is a part it specializes per organ (``cortical`` → cortex: the cerebral cortex …; none
    for ``urothelial``: each urothelium is a urothelium); all of them when UBERON writes the adjective
    for a narrower part (``alveolar`` → alveolus of lung, not the generic alveolus). Empty when the
    adjective has one reading."""
    names = _tissue_names(index)
    per_organ = names.organ_relative.get(term_id, {})
    # organs' parts UBERON files under the part are all true of the adjective (urothelial: each urothelium
    # is a urothelium); the others are other readings (cortical: the cerebral cortex, filed apart)
    apart = sorted(p for p in per_organ.values() if p != term_id and not index.is_ancestor(term_id, p))
    if apart and _unanchored(index, term_id, set(per_organ)):
        # the readings are the part of each organ (mucosa of stomach, of colon …); a few name them
        return set(names.adjectives.get(adjective.lower(), set())) | set(apart[:_READINGS_SHOWN])
    organs = names.adjectives.get(adjective.lower(), set())
    if any(o != term_id and index.is_ancestor(term_id, o) for o in organs):
        # UBERON uses the adjective for a narrower part (alveolar → alveolus of lung): the generic
        # noun is not what the depositor meant, and which narrower part is not said
        return set(organs) | {term_id}
    return {o for o in organs if o != term_id and not index.is_ancestor(o, term_id)}


def synonym_noun_readings(index: OntologyIndex, noun: str, term_id: str) -> set[str]:
    """Other terms a bare noun can be, when the noun reached ``term_id`` only as one of its synonyms:
    the terms UBERON *labels* with that noun as head, unrelated to ``term_id`` (``villus``, a synonym
    of intestinal villus, heads the labels chorionic villus and arachnoid villus too). Empty when the
    noun is the term's own label or fewer than two other structures use it as head: one other label is
    often another lineage's or life stage's (egg chorion, a frog's lateral appendix) and the synonym
    is then the reading a depositor of a mammal means."""
    lower = noun.lower()
    if (index.label(term_id) or "").lower() == lower:
        return set()
    others = {
        t
        for t in _tissue_names(index).label_heads.get(lower, set())
        if t != term_id and not index.is_ancestor(t, term_id) and not index.is_ancestor(term_id, t)
    }
    tops = set(index.outermost(others))
    return tops if len(tops) >= _OTHER_READINGS_MIN else set()


def adjective_narrower_reading(index: OntologyIndex, adjective: str, term_id: str) -> str | None:
    """The one part UBERON writes ``adjective`` for when the adjective's noun (``term_id``) is a generic
    part and every UBERON use of the adjective is that one narrower part: ``alveolar`` → the generic
    alveolus, but UBERON's "alveolar …" names are all of the lung alveolus, so the lung alveolus is the
    reading. None when the uses name several parts or other organs (then the ambiguity is reported)
    or when the noun is a part UBERON specializes per organ (cortex)."""
    names = _tissue_names(index)
    if _unanchored(index, term_id, set(names.organ_relative.get(term_id, {}))):
        return None
    organs = names.adjectives.get(adjective.lower(), set()) - {term_id}
    if len(organs) != 1:
        return None
    (narrower,) = organs
    return narrower if index.is_ancestor(term_id, narrower) else None
