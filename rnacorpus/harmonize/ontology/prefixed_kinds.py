"""A cell kind written with its stage prefix apart: ``pre-adipocyte``, ``pre osteoblasts``,
``pro-erythroblasts``.

Family: CL writes the precursor stages of a kind as one word (preadipocyte, preosteoblast,
proerythroblast); depositors hyphenate the prefix, the reader splits the hyphen and reads the kind
after it (adipocyte) — the mature cell, not the precursor. When the word before the cell kind is such
a prefix and CL names the joined word, the joined kind is the cells. No CL name for the joined word
leaves the reading as it was.
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions

__all__ = ["prefixed_kind"]

#: stage prefixes CL joins to a kind's name
_PREFIXES = frozenset({"pre", "pro"})


def prefixed_kind(heads: list[Mention], mentions: Mentions, taxid: int | None, index: OntologyIndex) -> Mention | None:
    """The kind CL names by a stage prefix joined to a head cell kind written right after it, as a
    mention spanning both; None when no head follows such a prefix or CL names no joined kind."""
    for head in heads:
        if head.start == 0 or mentions.tokens[head.start - 1].lower() not in _PREFIXES:
            continue
        joined = mentions.tokens[head.start - 1] + head.match.text
        found = match_text("cell_type", joined, taxid=taxid, fuzzy=False, index=index)
        if found is not None and not found.ambiguous and found.term_id != head.match.term_id:
            return Mention(found, head.start - 1, head.stop, head.whole)
    return None
