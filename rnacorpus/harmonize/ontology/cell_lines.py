"""Cell lines: recognized as lines (Cellosaurus), never read as the tissue they came from.

Recognition, first that succeeds:

1. our reviewed table of frequent GEO lines (``data/cell_lines.tsv``: names as submitters write
   them, species, and the origin Cellosaurus states) — method ``curated``;
2. a Cellosaurus label equal to the text in letters and digits (``HCT116`` = ``HCT 116``) —
   ``exact_label`` when the spelling is identical, else ``normalized``. When several lines share
   the name, one spelled identically wins; otherwise the name is recorded without an ID (ambiguous).

Outside cell-line keys a bare Cellosaurus name is accepted only with context ("cell line", "cells"
or a cell kind CL names right after it: ``3T3-L1 adipocytes``, ``C2C12 myotubes`` — a line
differentiated into that kind) and only if it mixes letters and digits: many labels are also words or
gene names (MER, Cy5 …). The origin tissue/disease of a curated line is offered with method
``cell_line_origin`` so that HeLa is never "cervix tissue" by accident, only by stated origin.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rnacorpus.harmonize.ontology.curated import CellLineEntry, cell_line_table
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.normalize import compact

__all__ = ["CellLineHit", "find_cell_line"]

_CONTEXT = re.compile(r"\bcell ?lines?\b|\bline\b", re.IGNORECASE)
_CELL_WORD = re.compile(r"^cells?$", re.IGNORECASE)
_HAS_LETTER_AND_DIGIT = re.compile(r"(?=.*[A-Za-z])(?=.*\d)")
#: shortest bare Cellosaurus name accepted outside a cell-line key (two characters name too much)
_MIN_BARE_NAME = 3
#: longest run of tokens tried as one cell-line name ("Hs 578T", "MIA PaCa-2", "U-87 MG")
_MAX_TOKENS = 3


@dataclass(frozen=True)
class CellLineHit:
    text: str
    start: int  # token index
    stop: int
    term_id: str | None
    label: str | None
    method: str
    entry: CellLineEntry | None = None
    reason: str | None = None


def _cellosaurus(text: str, index: OntologyIndex) -> tuple[str | None, str, str | None]:
    """(term_id, method, reason) for a Cellosaurus name; term_id None when absent or ambiguous."""
    ids = index.cell_lines(compact(text))
    if not ids:
        return None, "unmapped", None
    if len(ids) == 1:
        method = "exact_label" if index.label(ids[0]) == text else "normalized"
        return ids[0], method, None
    spelled = [term_id for term_id in ids if index.label(term_id) == text]
    if len(spelled) == 1:
        return spelled[0], "exact_label", None
    return None, "unmapped", f"{len(ids)} Cellosaurus lines are named {text!r}; not picking one"


def _candidate(
    tokens: Sequence[str], start: int, stop: int, taxid: int | None, index: OntologyIndex, *, generic: bool
) -> CellLineHit | None:
    text = " ".join(tokens[start:stop])
    entry = cell_line_table().find(text, taxid)
    if entry is not None:
        return CellLineHit(text, start, stop, entry.cvcl_id, index.label(entry.cvcl_id), "curated", entry)
    if not generic:
        return None
    term_id, method, reason = _cellosaurus(text, index)
    if term_id is None and reason is None:
        return None
    return CellLineHit(text, start, stop, term_id, index.label(term_id) if term_id else None, method, None, reason)


def _cell_kind(word: str, taxid: int | None, index: OntologyIndex) -> bool:
    """A word CL names one cell kind by (``adipocytes``, ``myotubes``, ``keratinocytes``): after a
    bare line name it says what the line's cells are, as "cells" does."""
    found = match_text("cell_type", word, taxid=taxid, fuzzy=False, rewrites=False, index=index)
    return found is not None and not found.ambiguous


def find_cell_line(
    tokens: Sequence[str], value: str, taxid: int | None, index: OntologyIndex, *, line_key: bool
) -> CellLineHit | None:
    """The first cell-line name among ``tokens`` (longest spans first at each position)."""
    context = line_key or bool(_CONTEXT.search(value))
    for start in range(len(tokens)):
        for stop in range(min(len(tokens), start + _MAX_TOKENS), start, -1):
            single = stop - start == 1
            bare = tokens[start]
            named_like_a_line = single and len(bare) >= _MIN_BARE_NAME and bool(_HAS_LETTER_AND_DIGIT.match(bare))
            followed_by_cells = stop < len(tokens) and (
                bool(_CELL_WORD.match(tokens[stop])) or (named_like_a_line and _cell_kind(tokens[stop], taxid, index))
            )
            generic = (line_key and start == 0) or ((context or followed_by_cells) and named_like_a_line)
            hit = _candidate(tokens, start, stop, taxid, index, generic=generic)
            if hit is not None:
                return hit
    return None
