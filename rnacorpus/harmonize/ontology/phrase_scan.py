"""Phrases of a value claimed left to right for the fields a key allows.

A value is split into word tokens; phrases are tried longest first and claimed left to right, each by
the first field (in the key's order) whose rules (:func:`~.match.match_text`, no fuzzy) accept it, so
``breast cancer`` is one disease and not also the tissue ``breast``. Inside longer text, one-word
exact synonyms are not trusted (MONDO and UBERON have many that are ordinary words), and a phrase the
words around it place outside the sample (a landmark, a reagent, a likeness) is dropped.
:mod:`.mentions` decides when the value is read whole instead and when this scan runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rnacorpus.harmonize.ontology.cavity_fluids import cavity_reading
from rnacorpus.harmonize.ontology.cell_lines import CellLineHit
from rnacorpus.harmonize.ontology.curated import curated_table
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.likeness import resembles
from rnacorpus.harmonize.ontology.match import FieldMatch, match_text
from rnacorpus.harmonize.ontology.normalize import FUNCTION_WORDS
from rnacorpus.harmonize.ontology.place_words import locating, negated
from rnacorpus.harmonize.ontology.reagent_words import names_a_reagent
from rnacorpus.harmonize.ontology.value_words import (
    FILLER,
    is_filler,
)

__all__ = ["Mention", "Mentions", "scan_phrases", "try_phrase"]

_MAX_PHRASE = 8
#: a phrase the words around it say is no part of the sample: a landmark, a reagent, a likeness
_NOT_THE_SAMPLE = (locating, names_a_reagent, resembles)


@dataclass(frozen=True)
class Mention:
    match: FieldMatch
    start: int  # token index
    stop: int
    whole: bool


@dataclass
class Mentions:
    tokens: list[str]
    found: list[Mention] = field(default_factory=list)
    cell_line: CellLineHit | None = None
    #: per token, the text between it and the token before (spaces, punctuation)
    gaps: list[str] = field(default_factory=list)

    def for_field(self, name: str) -> list[Mention]:
        """Mentions naming one term of ``name`` (ambiguous phrases are in :attr:`ambiguous`)."""
        return [m for m in self.found if m.match.field == name and not m.match.ambiguous]

    def ambiguous(self, name: str) -> list[Mention]:
        return [m for m in self.found if m.match.field == name and m.match.ambiguous]


def try_phrase(
    phrase: str,
    fields: tuple[str, ...],
    taxid: int | None,
    index: OntologyIndex,
    *,
    whole: bool,
    rewrites: bool = True,
    phrase_rewrites: bool = False,
) -> FieldMatch | None:
    # Our reviewed abbreviations first, across all fields: "ALL" is the leukemia before an ontology's "ALL".
    for name in fields:
        curated = match_text(name, phrase, taxid=taxid, fuzzy=False, abbreviations_only=True, index=index)
        if curated is not None:
            return curated
    unclear: FieldMatch | None = None
    for name in fields:
        found = match_text(
            name,
            phrase,
            taxid=taxid,
            fuzzy=False,
            eponyms=whole,
            rewrites=(whole or phrase_rewrites) and rewrites,
            index=index,
        )
        if found is None or (found.single_word_synonym and not whole):
            continue
        if not found.ambiguous:
            return found
        unclear = unclear or found
    if unclear is None and rewrites and not whole and "tissue" in fields:  # see cavity_fluids
        unclear = cavity_reading(phrase, lambda name: match_text("tissue", name, taxid=taxid, fuzzy=False, index=index))
    return unclear


def scan_phrases(
    tokens: list[str],
    taxid: int | None,
    fields: tuple[str, ...],
    index: OntologyIndex,
    claimed: list[bool],
    rewrites: bool = True,
    phrase_rewrites: bool = False,
    cell_suffix: bool = False,
) -> list[Mention]:
    found: list[Mention] = []
    for size in range(min(_MAX_PHRASE, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            stop = start + size
            # A phrase never starts with filler nor ends with a function word; it may end with other
            # filler ("T cells").
            if any(claimed[start:stop]) or tokens[stop - 1].lower() in FUNCTION_WORDS:
                continue
            phrase = " ".join(tokens[start:stop])
            if tokens[start].lower() in FILLER and not (size > 1 and _reviewed_phrase(phrase, fields, taxid)):
                continue
            whole = is_filler(tokens[:start] + tokens[stop:])
            hit = try_phrase(
                phrase, fields, taxid, index, whole=whole, rewrites=rewrites, phrase_rewrites=phrase_rewrites
            )
            if cell_suffix and is_filler(tokens[stop:]) and (hit is None or _counted(tokens[stop - 1], hit)):
                hit = _cells_named(phrase, taxid, index) or hit
            if hit is not None:
                if not negated(tokens, start, hit):
                    found.append(Mention(hit, start, stop, whole))
                claimed[start:stop] = [True] * size
    kept = (m for m in found if not any(denies(tokens, m, found) for denies in _NOT_THE_SAMPLE))
    return sorted(kept, key=lambda mention: mention.start)


def _counted(last: str, hit: FieldMatch) -> bool:
    """A tissue read from a phrase whose last word is written in the plural, a count of things
    (``placental trophoblasts``, ``villous trophoblasts``): under a cell-type key the things counted
    are the cells the tissue is made of. A mass noun (``neonatal heart``, ``Tomato+ epidermis``,
    ``CD34+ bone marrow``) names where the cells come from and keeps its reading; so does a plural
    for which CL names no "<word> cell" (``B cells sorted from tonsils``, ``derived from blastocysts``)."""
    lower = last.lower()
    return hit.field == "tissue" and lower.endswith("s") and not lower.endswith(("ss", "us", "is"))


def _reviewed_phrase(phrase: str, fields: tuple[str, ...], taxid: int | None) -> bool:
    """A phrase of several words starting with a filler word that a reviewed row names as a whole
    (``whole body``, ``whole animal``, ``whole embryo``): the filler word is part of the name there, so
    the phrase is read inside longer values too (``mouse whole body``, ``normal whole animal``)."""
    return any(curated_table().find(name, phrase, taxid) is not None for name in fields)


def _cells_named(phrase: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """Under a cell-type key, a last phrase that names nothing trusted read as "<phrase> cell" when CL
    names that cell: the family of cell words CL lists only as one-word synonyms, not trusted alone
    inside longer text (``pituitary gonadotropes``: "gonadotrope cell" is a name; ``skin derived
    precursors``: precursor cells). The words before then say where the cells are from. A phrase
    with a reading of its own keeps it — "<organ> cell" would turn an organ into cells of it
    (``neonatal heart`` is not a cardiocyte) — unless its last word counts cells (:func:`_counted`)."""
    if re.search(r"\bcells?\b", phrase, re.IGNORECASE):
        return None
    found = match_text("cell_type", f"{phrase} cell", taxid=taxid, fuzzy=False, index=index)
    return None if found is None or found.ambiguous else found
