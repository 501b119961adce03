"""An organ read from a value that also names one of its parts in a word left unread.

``gastric antral biopsy``, ``Esophagus - Muscularis``, ``Brain - Caudate (basal ganglia)``: the
value's tissue phrase names an organ, and a word written beside it, which no rule read, is a word
UBERON uses only in the names of that organ's parts (antrum, muscularis, caudate nucleus). The organ
alone is then coarser than what the depositor wrote: a curator would record the part. One part so
named is the answer — for an adjective, the one part whose name its noun heads (antral: the pyloric
*antrum*, not the pyloric antrum gland); several (muscularis: the mucosa's or the muscle layer's)
leave the tissue unmapped with the word and the organ, never answered with the organ. Words that say
nothing about place — fillers, side words, states (fibrotic, lesional), disease words — are not such
words: they appear in no name of a part of the organ. Nor are words of position
(:data:`~.head_nouns.POSITION_WORDS`: ``brain area``, ``skin area``), which say a place in the organ
without saying which: the organ is what is known. Nor are words that name a period of life (``adult
skin``, ``fetal liver``) when no other field read them, as under a cell-type key: an age, not a place,
even where UBERON happens to use the word in a part's name.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from rnacorpus.harmonize.ontology.class_heads import name_word_terms
from rnacorpus.harmonize.ontology.head_nouns import POSITION_WORDS
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import FILLER, Mention, Mentions
from rnacorpus.harmonize.ontology.name_pairs import tissue_names
from rnacorpus.harmonize.ontology.tissue_forms import ADJECTIVE_ENDINGS, SIDE_WORDS

__all__ = ["PartReading", "unread_part"]

_MIN_STEM = 4
_WORDS = re.compile(r"[a-z]+")
_MIN_WORD = 4
_SHOWN = 5


def _terms_using(word: str, index: OntologyIndex) -> tuple[set[str], set[str]]:
    """Tissue terms whose names use ``word`` (or its singular: crypts) or, for an adjective, a noun of
    its stem (antral: antrum); and the nouns so found."""
    terms = name_word_terms(index)
    found = set(terms.get(word, ()))
    if word.endswith("s") and not word.endswith("ss"):
        found |= terms.get(word[:-1], set())
    nouns: set[str] = set()
    for ending in ADJECTIVE_ENDINGS:  # dropped to compare a word with UBERON's nouns (antr|al ~ antr|um)
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= _MIN_STEM:
            for noun in _stems(index).get(stem[:_MIN_STEM], ()):
                if noun.startswith(stem) and noun != word:
                    found |= terms[noun]
                    nouns.add(noun)
    return found, nouns


def _headed_by(term_id: str, nouns: set[str], index: OntologyIndex) -> bool:
    """One of the term's names has one of ``nouns`` as its head: the last word, or the last before
    " of " (pyloric *antrum*; not the antrum gland, a gland)."""
    for name in tissue_names(index, term_id):
        words = _WORDS.findall(name.lower().partition(" of ")[0])
        if words and words[-1] in nouns:
            return True
    return False


def _names_apart(term_id: str, words: set[str], index: OntologyIndex) -> bool:
    """One of the term's names uses one of ``words`` (or its plural's singular) as a word of its own,
    not only inside a hyphenated modifier: "imaginal disc-derived wing" says what the wing grew from,
    and is no part named by "disc" (``wing discs`` are the discs, not the wing)."""
    forms = words | {w[:-1] for w in words if w.endswith("s") and not w.endswith("ss")}
    return any(token in forms for name in tissue_names(index, term_id) for token in name.lower().split())


def _labelled_first(word: str, parts: set[str], index: OntologyIndex) -> list[str]:
    """The parts whose label is the word and one head noun after it: the word is their short name
    (``caudate``: the caudate nucleus, among the brain's parts that use the word — the nucleus
    accumbens, the caudate-putamen holding the nucleus)."""
    return sorted(
        t for t in parts if (label := (index.label(t) or "").lower().split()) and len(label) == 2 and label[0] == word
    )


def _all_after(term_id: str, tops: list[str], index: OntologyIndex) -> bool:
    """Every other structure using the word holds the term or is named after it (the caudate-putamen;
    the nucleus accumbens, "colliculus of caudate nucleus"): the word is that term's alone. Not so
    for ``dentate`` in the brain — the dentate gyrus is not named after the dentate nucleus."""
    label = (index.label(term_id) or "").lower()
    return all(
        t == term_id
        or index.is_ancestor(t, term_id)
        or index.is_ancestor(term_id, t)
        or any(label in name.lower() for name in tissue_names(index, t))
        for t in tops
    )


@functools.lru_cache(maxsize=2)
def _stems(index: OntologyIndex) -> dict[str, frozenset[str]]:
    """The first letters of each name word → the words (a word is read once per index)."""
    stems: dict[str, set[str]] = defaultdict(set)
    for word in name_word_terms(index):
        if len(word) >= _MIN_STEM:
            stems[word[:_MIN_STEM]].add(word)
    return {stem: frozenset(words) for stem, words in stems.items()}


def _unread_beside(chosen: Mention, mentions: Mentions, taxid: int | None, index: OntologyIndex) -> list[str]:
    """The unread words written just before and just after the organ's phrase: a word beside it
    modifies it (``antral`` biopsy of the stomach); words of other clauses (``after myocardial
    infarction, border zone``) do not."""
    claimed = [False] * len(mentions.tokens)
    for mention in mentions.found:
        for i in range(mention.start, mention.stop):
            claimed[i] = True
    words = []
    for i in (chosen.start - 1, chosen.stop):
        if not 0 <= i < len(mentions.tokens) or claimed[i]:
            continue
        lower = mentions.tokens[i].lower()
        place_word = (
            lower.isalpha()
            and len(lower) >= _MIN_WORD
            and lower not in FILLER
            and lower not in SIDE_WORDS
            and lower not in POSITION_WORDS
        )
        # "adult skin" under a cell-type key, "bone, male" under a tissue key: the age or sex word was
        # read by no field, yet says no place (male preputial gland is no part named by "male")
        if place_word and not any(
            match_text(field, lower, taxid=taxid, fuzzy=False, index=index) is not None
            for field in ("development_stage", "sex")
        ):
            words.append(lower)
    return words


@dataclass(frozen=True)
class PartReading:
    """The part an unread word names (``term_id``), or why the organ is coarser (``unread``)."""

    word: str
    term_id: str | None = None
    unread: str | None = None


def unread_part(
    chosen: Mention, mentions: Mentions, index: OntologyIndex, taxid: int | None = None
) -> PartReading | None:
    """What an unread word beside the organ ``chosen`` says, when UBERON uses it in the names of parts
    of the organ and in no name of the organ itself or of anything holding it: the one part so named
    (``stomach corpus`` → body of stomach; its own parts, such as the mucosa of the body, are inside
    it), else — several unrelated parts (muscularis: the mucosa's or the muscle layer's) — the reason
    the organ alone is coarser. None when every word beside it was read or names no part of it."""
    if chosen.whole:
        return None
    organ = chosen.match.term_id
    for word in _unread_beside(chosen, mentions, taxid, index):
        using, nouns = _terms_using(word, index)
        parts = {
            t for t in using if t != organ and index.is_ancestor(organ, t) and _names_apart(t, {word, *nouns}, index)
        }
        if not parts or any(t == organ or index.is_ancestor(t, organ) for t in using):
            continue
        tops = index.outermost(parts)
        headed = index.outermost(t for t in parts if _headed_by(t, nouns, index))
        if len(tops) > 1 and len(headed) == 1:
            # an adjective names the structure its noun is (antral: the antrum), not the ones the noun
            # qualifies in UBERON's names (pyloric antrum gland, a gland)
            tops = headed
        elif (
            len(tops) > 1
            and len(named := _labelled_first(word, parts, index)) == 1
            and _all_after(named[0], tops, index)
        ):
            tops = named
        if len(tops) == 1:
            return PartReading(word, term_id=tops[0])
        label = index.label(organ)
        shown = index.shown(tops, _SHOWN)
        return PartReading(word, unread=f"{word!r} names parts of {label!r} ({shown}); the organ alone is coarser")
    return None
