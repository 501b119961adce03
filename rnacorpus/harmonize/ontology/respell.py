"""Organ words as depositors mistype them: one letter dropped, doubled, swapped or wrong.

``stomache``, ``hypothalmus``, ``thyriod``, ``bone marow``: a word of a tissue value that no ontology
name uses, one edit (insertion, deletion, substitution or a swap of two neighbouring letters — the
optimal string alignment distance) away from exactly one word UBERON's tissue names use, is read as
that word; the value then goes through the ordinary rules. A word any ontology name uses (tumor,
media, colony) is never changed, nor a short word (one edit changes its meaning), an abbreviation in
capitals, or a plural or possessive the other spelling families read (``cortices``, ``Hassalls``).
A word with several candidates is read only when its neighbours settle it (:func:`_in_context`:
``cerebral cortx`` → cortex, not corti; ``trachae`` → trachea or its plural, one term); else
(``chord`` alone: cord or chorda) ambiguity is not guessed.
A respelling repairs a value; it never overrides an organ written correctly beside it: when the value
as written names a tissue and the respelled word's tissue is unrelated to it (:func:`overrides_written`), the
word was no typo but another word — a brand (``Ambion`` is no amnion), a negated adjective (``athymic``
nude mice) — and the value is read as written.
A compound organ word written as two words (``mid brain``, ``hind brain``, ``wind pipe``) is read as
the joined word when that is a word of UBERON's tissue names and names a tissue alone, and the two
words together name nothing (:func:`_joined_compounds`; "fore limb", a listed synonym, stays as written).
The whole-value fuzzy ratio (:meth:`~.index.OntologyIndex.fuzzy`) misses these: one wrong letter in
a short word is a large share of it.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading

from rapidfuzz import process
from rapidfuzz.distance import OSA

from rnacorpus.harmonize.ontology.class_heads import name_word_terms
from rnacorpus.harmonize.ontology.derived import derived_table
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import FILLER
from rnacorpus.harmonize.ontology.tissue_forms import latin_singulars
from rnacorpus.harmonize.ontology.tissue_owner import organ_made_of
from rnacorpus.schemas import Annotation

__all__ = ["overrides_written", "respell"]

#: words shorter than this are never respelled (one edit turns lung into lens or lump)
_MIN_LETTERS = 5
_WORD = re.compile(r"[A-Za-z]+")
#: the shorter half of a compound written as two words ("mid brain", "eye lid") has this many letters
_MIN_HALF = 3
#: a word one edit from more candidates than this is too unlike any one of them to be read in context
_CANDIDATES_MAX = 3
_lock = threading.Lock()


class _Words:
    """Per index: every word of every ontology name (never respelled), and the tissue-name words."""

    def __init__(self, index: OntologyIndex) -> None:
        names = index.tables["names"]["name"].to_pylist()
        self.known = frozenset(word for name in names for word in _WORD.findall(name.lower())) | FILLER
        self.tissue = sorted(word for word in name_word_terms(index) if len(word) >= _MIN_LETTERS - 1)


@functools.lru_cache(maxsize=2)
def _words(index: OntologyIndex) -> _Words:
    with _lock:
        return derived_table(index, "respell", lambda: _Words(index))  # kept on disk (derived.py)


@functools.lru_cache(maxsize=1 << 14)
def _candidates(word: str, index: OntologyIndex) -> tuple[str, ...]:
    """The tissue-name words one edit from ``word``, when it is a word to respell at all."""
    words = _words(index)
    lower = word.lower()
    if len(lower) < _MIN_LETTERS or lower in words.known or word.isupper():
        return ()
    # a plural or possessive the other spelling families read (cortices, Hassalls) is no typo
    singulars = {lower[:-1], *latin_singulars(lower)} if lower.endswith(("s", "i", "ae", "a")) else set()
    if singulars & words.known:
        return ()
    near = process.extract(lower, words.tissue, scorer=OSA.distance, score_cutoff=1, limit=_CANDIDATES_MAX + 1)
    return tuple(candidate for candidate, _, _ in near) if len(near) <= _CANDIDATES_MAX else ()


def _in_context(candidates: tuple[str, ...], before: str, after: str, index: OntologyIndex) -> str | None:
    """The one reading of a word with several candidates that its neighbours settle: the candidates
    that make a listed name with the word before or after it (no rewrites, no fuzzy match) are kept,
    and they must all name one term (``cerebral cortx``: "cerebral cortex" is a name, "cerebral corti"
    is not). Without such a name, the candidates must all name one term alone (``trachae``: trachea
    and its plural tracheae). Else None: one candidate being a name alone while another is not is no
    evidence, and ambiguity is not guessed."""

    def term(phrase: str, rewrites: bool = False) -> str | None:
        found = match_text("tissue", phrase.strip(), fuzzy=False, rewrites=rewrites, index=index)
        return None if found is None or found.ambiguous or not found.term_id else found.term_id

    paired: dict[str, str] = {}
    for candidate in candidates:
        for phrase in (f"{before} {candidate}" if before else "", f"{candidate} {after}" if after else ""):
            if phrase and (found := term(phrase)) is not None:
                paired[candidate] = found
                break
    if paired:
        return next(iter(paired)) if len(set(paired.values())) == 1 else None
    alone = {candidate: term(candidate, rewrites=True) for candidate in candidates}  # plurals: tracheae
    terms = set(alone.values())
    return candidates[0] if len(terms) == 1 and None not in terms else None


@functools.lru_cache(maxsize=2)
def _tissue_words(index: OntologyIndex) -> frozenset[str]:
    return frozenset(_words(index).tissue)


def _names_one_tissue(phrase: str, index: OntologyIndex) -> bool:
    found = match_text("tissue", phrase, fuzzy=False, rewrites=False, index=index)
    return found is not None and not found.ambiguous and bool(found.term_id)


def _joined_compounds(text: str, index: OntologyIndex) -> tuple[str, list[str]]:
    """``text`` with each compound organ word written as two words (one space apart, three letters or
    more each) joined, and a note per join (see the module)."""
    notes: list[str] = []
    words = _tissue_words(index)
    pieces: list[str] = []
    last, joined_before = 0, False
    for first, second in itertools.pairwise(_WORD.finditer(text)):
        if joined_before:  # "ventral mid brain": each word joins at most once
            joined_before = False
            continue
        if text[first.end() : second.start()] != " " or min(len(first.group()), len(second.group())) < _MIN_HALF:
            continue
        joined = (first.group() + second.group()).lower()
        if joined not in words or not _names_one_tissue(joined, index):
            continue
        if _names_one_tissue(f"{first.group()} {second.group()}", index):
            continue
        pieces += [text[last : first.end()], second.group()]
        last, joined_before = second.end(), True
        notes.append(f"'{first.group()} {second.group()}' read as {joined!r}")
    return "".join([*pieces, text[last:]]), notes


def respell(text: str, index: OntologyIndex) -> tuple[str, list[str]]:
    """``text`` with each compound written as two words joined and each mistyped organ word replaced,
    and a note per change."""
    text, notes = _joined_compounds(text, index)
    words = _WORD.findall(text)
    position = iter(range(len(words)))
    # a value written all in capitals (KIDENY, SKELETAL MUSCEL) says nothing by its case: its words are
    # no abbreviations, which a word in capitals inside mixed-case text is taken to be
    shouted = text.isupper()

    def replace(match: re.Match[str]) -> str:
        word, at = match.group(0), next(position)
        candidates = _candidates(word.lower() if shouted else word, index)
        if len(candidates) > 1:
            before = words[at - 1] if at > 0 else ""
            after = words[at + 1] if at + 1 < len(words) else ""
            fixed: str | None = _in_context(candidates, before, after, index)
        else:
            fixed = candidates[0] if candidates else None
        if fixed is None:
            return word
        notes.append(f"{word!r} read as {fixed!r}")
        return fixed

    return _WORD.sub(replace, text), notes


def overrides_written(plain: list[Annotation], fixed: list[Annotation], index: OntologyIndex) -> bool:
    """Do the annotations of the respelled value (``fixed``) name a tissue unrelated to the one the value
    as written names (``plain``)? Unrelated: neither is the other or holds it (is_a or part_of), nor is
    the written one a tissue type the respelled organ is made of (``tibalis anterior muscle``: the muscle
    tissue "muscle" reads is what the tibialis anterior is made of, :mod:`.tissue_owner`)."""
    written, respelled = (
        next((a.term_id for a in found if a.field == "tissue" and a.term_id), None) for found in (plain, fixed)
    )
    if not written or not respelled or written == respelled:
        return False
    held = index.is_ancestor(written, respelled) or index.is_ancestor(respelled, written)
    return not held and not organ_made_of(written, respelled, index)
