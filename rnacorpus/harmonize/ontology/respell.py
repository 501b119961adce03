"""Organ words as depositors mistype them: one letter dropped, doubled, swapped or wrong.

``stomache``, ``hypothalmus``, ``thyriod``, ``bone marow``: a word of a tissue value that no ontology
name uses, one edit (insertion, deletion, substitution or a swap of two neighbouring letters — the
optimal string alignment distance) away from exactly one word UBERON's tissue names use, is read as
that word; the value then goes through the ordinary rules. A word any ontology name uses (tumor,
media, colony) is never changed, nor a short word (one edit changes its meaning), an abbreviation in
capitals, a plural or possessive the other spelling families read (``cortices``, ``Hassalls``) or a
word with two candidates (``chord``: cord or chorda) — ambiguity is not guessed.
The whole-value fuzzy ratio (:meth:`~.index.OntologyIndex.fuzzy`) misses these: one wrong letter in
a short word is a large share of it.
"""

from __future__ import annotations

import functools
import re
import threading

from rapidfuzz import process
from rapidfuzz.distance import OSA

from rnacorpus.harmonize.ontology.class_heads import name_word_terms
from rnacorpus.harmonize.ontology.derived import derived_table
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.mentions import FILLER
from rnacorpus.harmonize.ontology.tissue_forms import latin_singulars

__all__ = ["respell"]

#: words shorter than this are never respelled (one edit turns lung into lens or lump)
_MIN_LETTERS = 5
_WORD = re.compile(r"[A-Za-z]+")
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
def _respelled_word(word: str, index: OntologyIndex) -> str | None:
    words = _words(index)
    lower = word.lower()
    if len(lower) < _MIN_LETTERS or lower in words.known or word.isupper():
        return None
    # a plural or possessive the other spelling families read (cortices, Hassalls) is no typo
    singulars = {lower[:-1], *latin_singulars(lower)} if lower.endswith(("s", "i", "ae", "a")) else set()
    if singulars & words.known:
        return None
    near = process.extract(lower, words.tissue, scorer=OSA.distance, score_cutoff=1, limit=3)
    return near[0][0] if len(near) == 1 else None


def respell(text: str, index: OntologyIndex) -> tuple[str, list[str]]:
    """``text`` with each mistyped organ word replaced, and a note per replacement."""
    notes: list[str] = []

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        fixed = _respelled_word(word, index)
        if fixed is None:
            return word
        notes.append(f"{word!r} read as {fixed!r}")
        return fixed

    return _WORD.sub(replace, text), notes
