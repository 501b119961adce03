"""A kind of cell written as its modifier before the name of the broader kind it is one of.

Family: ``granule neurons`` (CL: granule cell, a neuron), ``Purkinje neurons``, ``pyramidal
neurons``, ``Kupffer macrophages`` (Kupffer cell, a macrophage), ``goblet epithelial cells``, ``NK
lymphocytes``: CL names the kind "<modifier> cell" and files it under the kind the value writes as its
head noun; the reader read the head (neuron) and let the modifier go. When the words right before the
head, with "cell" after them, are a CL name of a kind *under* the head's term, that kind is the cells:
the longest such run of at most three words. A name that is no kind of the head (``stellate neurons``
if "stellate cell" were a liver cell) or an organ word (``liver macrophages``: "liver cell" is no
macrophage, and an organ word says where the cells were taken from — :mod:`.organ_cell_kinds`,
:mod:`.implied`) leaves the head as it was.
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions
from rnacorpus.harmonize.ontology.tissue_choice import most_specific

__all__ = ["modified_kind"]

#: a modifier of more words than this is a phrase, not a kind's name
_MOST_WORDS = 3
#: heads that are "cell" itself: "<words> cells" is read whole by the reader already
_CELL_NOUNS = frozenset({"cell", "cells"})


def modified_kind(heads: list[Mention], mentions: Mentions, taxid: int | None, index: OntologyIndex) -> Mention | None:
    """The CL kind "<words before the head> cell" filed under the most specific head's term, as a
    mention spanning the words and the head; None when the head is written as "cell(s)" or no such
    kind is CL's (module docstring)."""
    if not heads:
        return None
    head = most_specific(heads, index)[0]
    written = [token.lower() for token in mentions.tokens[head.start : head.stop]]
    if head.start == 0 or not written or written[-1] in _CELL_NOUNS:
        return None
    for start in range(max(0, head.start - _MOST_WORDS), head.start):
        words = mentions.tokens[start : head.start]
        if any(not word.isalnum() for word in words):
            continue
        found = match_text("cell_type", " ".join(words) + " cell", taxid=taxid, fuzzy=False, index=index)
        if found is None or found.ambiguous or found.term_id == head.match.term_id:
            continue
        if index.is_ancestor(head.match.term_id, found.term_id):
            return Mention(found, start, head.stop, head.whole)
    return None
