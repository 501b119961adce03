"""Cells named by the surface markers they were sorted on, read through CL's own names for them.

Family: a population written as CD markers with a sign (``CD4+CD45RO+ T cells``, ``Regulatory T cells
CD4+,CD25+``), with words that qualify a kind (``CD8_Naive_Primary_Cells``, ``Primary T CD8+ memory
cells``, ``CD4 memory T cells``). CL writes such kinds with the markers in their names
("CD4-positive, alpha-beta memory T cell, CD45RO-positive", "naive thymus-derived CD8-positive,
alpha-beta T cell"); the reader found only the head kind (T cell) or nothing. The answer is the CL
term one of whose names (label or exact synonym) states every marker of the value with its sign and
every qualifying word of the value — a word of the value that some such name uses (naive, memory,
regulatory, central) — under the cell kind the value names, if it names one: the most general such
term, else the one whose name adds the fewest words to what was written; a tie is no answer.

A marker with no sign was sorted for (``CD8_Naive``: CD8-positive). Not this family: markers with
neither a cell kind nor a qualifying word (``CD14_Primary_Cells``: CL names several kinds for one
marker — left unread), markers of a source the cells were derived from (``CD34+ HSPC-derived
proerythroblasts``: a derivation word in the value leaves it to :mod:`.derivation`), and terms CL
tags with another species than the sample's (", human", "(Mmus)").
"""

from __future__ import annotations

import functools
import re
import threading
from collections import defaultdict
from dataclasses import dataclass

from rnacorpus.harmonize.ontology.cell_subkinds import modified_kind
from rnacorpus.harmonize.ontology.derivation import DERIVATION_WORDS
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.marker_kinds import marker_kind
from rnacorpus.harmonize.ontology.match import CONFIDENCE, FieldMatch
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions
from rnacorpus.harmonize.ontology.normalize import tokens
from rnacorpus.harmonize.ontology.organ_cell_kinds import organ_named_kind
from rnacorpus.harmonize.ontology.prefixed_kinds import prefixed_kind
from rnacorpus.harmonize.ontology.species_tags import of_another_species
from rnacorpus.harmonize.ontology.tissue_cells import cells_of_tissue
from rnacorpus.harmonize.ontology.tissue_choice import most_specific

__all__ = ["marked_population", "narrower_cell_kind"]

_MARKER = re.compile(r"^cd\d+[a-z]*$")
#: a marker's sign as normalization spells it (CD4+ → "cd4 positive", CD25- → "cd25 negative") and as
#: depositors shorten it; CL writes -positive, -negative, -high, -low, -bright, -dim
_SIGNS = {
    "positive": "positive",
    "pos": "positive",
    "negative": "negative",
    "neg": "negative",
    "high": "high",
    "hi": "high",
    "bright": "bright",
    "low": "low",
    "lo": "low",
    "dim": "dim",
}
#: words that qualify no kind: every name of a cell has them, or they only say which species
_NO_QUALIFIER = frozenset({"cell", "human", "mouse", "positive", "negative"})
_CD = re.compile(r"cd\d", re.IGNORECASE)
#: a minus sign as depositors type it
_MINUS = frozenset({"-", "\u2212", "\u2013"})
#: "cell", "eukaryotic cell", "native cell": a head that names no kind ("CD19+ cells")
_ANY_CELL = frozenset({"CL:0000000", "CL:0000255", "CL:0000003"})


@dataclass(frozen=True)
class _MarkedName:
    term_id: str
    markers: frozenset[tuple[str, str]]
    words: frozenset[str]
    #: the words other than markers, in the name's order ("b cell" of "B cell, CD19-positive")
    rest: tuple[str, ...]


def _markers(words: list[str]) -> tuple[set[tuple[str, str]], list[str]]:
    """(marker, sign) pairs of normalized words, and the other words."""
    found: set[tuple[str, str]] = set()
    rest: list[str] = []
    at = 0
    while at < len(words):
        word = words[at]
        if _MARKER.match(word):
            sign = _SIGNS.get(words[at + 1]) if at + 1 < len(words) else None
            found.add((word, sign or "positive"))
            at += 2 if sign else 1
            continue
        rest.append(word)
        at += 1
    return found, rest


class _MarkedNames:
    """Per index: every CL name that states a marker, filed under each of its markers."""

    def __init__(self, index: OntologyIndex) -> None:
        names = index.tables["names"]
        self.by_marker: dict[tuple[str, str], list[_MarkedName]] = defaultdict(list)
        for term_id, name in zip(names["term_id"].to_pylist(), names["name"].to_pylist(), strict=True):
            if not term_id.startswith("CL:") or not _CD.search(name) or index.deprecated(term_id):
                continue
            markers, rest = _markers(tokens(name))
            entry = _MarkedName(term_id, frozenset(markers), frozenset(rest), tuple(rest))
            for marker in markers:
                self.by_marker[marker].append(entry)


_lock = threading.Lock()


@functools.lru_cache(maxsize=2)
def _marked_names(index: OntologyIndex) -> _MarkedNames:
    with _lock:
        return _MarkedNames(index)


def marked_population(
    heads: list[Mention], mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> Mention | None:
    """The CL term the value's markers and qualifying words name (see the module docstring) under the
    most specific cell kind among ``heads`` (the value's cell-type mentions), as a mention in its
    place; None when the value names no marker, when a derivation word is in it, when nothing or
    several terms fit, or when the answer is the head itself."""
    text = " ".join(mentions.tokens)
    if not _CD.search(text):
        return None
    words = tokens(text)
    if DERIVATION_WORDS & set(words):
        return None
    markers, rest = _markers(words)
    if not markers:
        return None
    chosen = most_specific(heads, index)[0] if heads else None
    head = chosen.match.term_id if chosen and chosen.match.term_id not in _ANY_CELL else None
    table = _marked_names(index)
    first = next(iter(markers))
    fitting = [
        entry
        for entry in table.by_marker.get(first, [])
        if markers <= entry.markers
        and (head is None or entry.term_id == head or index.is_ancestor(head, entry.term_id))
        and not of_another_species(index.label(entry.term_id), taxid)
    ]
    used = set().union(*(entry.words for entry in fitting)) if fitting else set()
    qualifiers = {word for word in rest if word in used} - _NO_QUALIFIER
    if head is None and not qualifiers:
        return _marker_alone(markers, mentions, fitting, taxid, index)
    kept = [entry for entry in fitting if qualifiers <= entry.words]
    terms = {entry.term_id for entry in kept}
    roots = set(index.outermost(terms))
    if len(roots) > 1:
        # the name that adds the fewest words to those written ("CD4 memory": the memory T cell, not
        # the lung-resident one)
        extra = {term: min(len(e.words - set(rest)) for e in kept if e.term_id == term) for term in roots}
        fewest = min(extra.values())
        roots = {term for term, count in extra.items() if count == fewest}
    if len(roots) != 1:
        return None
    term = roots.pop()
    if term == head:
        return None
    match = FieldMatch("cell_type", term, "normalized", CONFIDENCE["normalized_bag"], text)
    if chosen is None:
        return Mention(match, 0, len(mentions.tokens), False)
    return Mention(match, chosen.start, chosen.stop, chosen.whole)


def _marker_alone(
    markers: set[tuple[str, str]],
    mentions: Mentions,
    fitting: list[_MarkedName],
    taxid: int | None,
    index: OntologyIndex,
) -> Mention | None:
    """One marker and no kind: the kind CL gives the marker (:func:`~.marker_kinds.marker_kind`), as a
    mention of the whole value; several markers with no kind are left unread."""
    if len(markers) != 1:
        return None
    marker = next(iter(markers))
    if _minus_after(marker[0], mentions):
        return None
    term = marker_kind(marker, [(e.term_id, e.markers, e.rest) for e in fitting], taxid, index)
    if term is None:
        return None
    match = FieldMatch("cell_type", term, "normalized", CONFIDENCE["normalized_bag"], " ".join(mentions.tokens))
    return Mention(match, 0, len(mentions.tokens), False)


def _minus_after(marker: str, mentions: Mentions) -> bool:
    """``CD14- cells``: a minus written after the marker and before a space (the reader's tokens drop
    it; "CD14-positive" keeps its sign word)."""
    for at, token in enumerate(mentions.tokens[:-1]):
        gap = mentions.gaps[at + 1] if at + 1 < len(mentions.gaps) else ""
        rest = gap.lstrip()
        if token.lower() == marker and rest[:1] in _MINUS and rest[1:2] in {"", " ", "_", "\t", ","}:
            return True
    return False


def narrower_cell_kind(
    heads: list[Mention], mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> Mention | None:
    """The cells' kind where the reader found a coarser head or none: by the markers the value names
    (:func:`marked_population`), by a stage prefix written apart (:func:`~.prefixed_kinds.prefixed_kind`),
    by the organ word written before the head (:func:`~.organ_cell_kinds.organ_named_kind`), by
    a tissue word before "cells" (:func:`~.tissue_cells.cells_of_tissue`), else by the modifier CL
    names a kind of the head with (:func:`~.cell_subkinds.modified_kind`: granule neurons)."""
    return (
        marked_population(heads, mentions, taxid, index)
        or prefixed_kind(heads, mentions, taxid, index)
        or organ_named_kind(heads, mentions, index)
        or cells_of_tissue(heads, mentions, taxid, index)
        or modified_kind(heads, mentions, taxid, index)
    )
