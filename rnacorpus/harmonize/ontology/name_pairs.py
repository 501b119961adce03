"""What UBERON's own names say about tissue words, read once per index.

The spelling families of :mod:`.tissue_forms` rewrite a phrase; whether a rewrite may be trusted
depends on what the ontology's names say about the words in it: the names of each tissue term, the
organs UBERON writes an adjective for (from its own name pairs "<part> of <organ>" / "<adjective>
<part>": mucosa of stomach / gastric mucosa), the parts it names per organ (cortex of kidney, of
thymus …) and the head noun of each label. :class:`_TissueNames` builds these from the ``names``
table once and keeps them on disk (:mod:`.derived`); the functions below answer from them.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict

from rnacorpus.harmonize.ontology.derived import derived_table
from rnacorpus.harmonize.ontology.index import OntologyIndex

__all__ = [
    "KINDS_MIN",
    "adjective_conflicts",
    "adjective_narrower_reading",
    "labelled_kinds",
    "organ_adjective_organs",
    "organ_adjectives",
    "organ_readings",
    "organ_relative_part",
    "paired_organ",
    "synonym_noun_readings",
    "tissue_names",
]

#: a part named "<part> of <organ>" for this many organs is organ-relative (cortex, mucosa, epithelium)
_ORGAN_RELATIVE_MIN = 3
_ORGAN = "UBERON:0000062"
_READINGS_SHOWN = 5
#: a synonym noun is ambiguous when at least this many unrelated structures are labelled with it as head
_OTHER_READINGS_MIN = 2
#: name pairs that must agree before an adjective alone is read as an organ (:func:`paired_organ`)
_PAIRS_MIN = 2


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
        return derived_table(index, "name_pairs", lambda: _TissueNames(index))  # kept on disk (derived.py)


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


#: a class term with at least this many labelled kinds "<which> <word>" is a class of structures, no one
#: structure (:mod:`.bare_classes`, :mod:`.inverted_names`); organs have at most a dozen (testis 5,
#: bronchus 12), classes many more (ganglion 100, duct 75, ligament 75, gland 175, artery 362)
KINDS_MIN = 30


def labelled_kinds(index: OntologyIndex, term_id: str) -> set[str]:
    """The terms below ``term_id`` whose label ends with its one-word label (ganglion: dorsal root
    ganglion, trigeminal ganglion …): the kinds of it UBERON names with the word as head."""
    label = (index.label(term_id) or "").casefold()
    if not label or " " in label:
        return set()
    return {
        term
        for term in _tissue_names(index).label_heads.get(label, set())
        if term != term_id
        and (index.label(term) or "").casefold().endswith(" " + label)
        and index.is_ancestor(term_id, term)
    }
