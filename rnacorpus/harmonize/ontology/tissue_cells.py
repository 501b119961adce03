"""Cells named by the tissue they make up, written with "cells": ``Endoderm Cultured Cells``,
``Trophoblast Cultured Cells``, ``mesoderm cells``.

Family: under a cell-type key, a tissue word that is no organ (a germ layer, an embryonic or
extraembryonic tissue: endoderm, mesoderm, trophoblast) followed only by filler and "cell(s)" names
the cells of that tissue, which CL lists as "<word> cell" (endodermal cell: "endoderm cell";
trophoblast cell). The reader kept the tissue reading (the word is no plural count of cells) and found
no cell type. An organ word before "cells" (``liver cells``, ``kidney cells``) is where cells were
taken from and stays so: the cells' kind is not said.
"""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions
from rnacorpus.harmonize.ontology.value_words import is_filler

__all__ = ["cells_of_tissue"]

_ORGAN = "UBERON:0000062"
_CELLS = re.compile(r"^cells?$", re.IGNORECASE)


def cells_of_tissue(
    heads: list[Mention], mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> Mention | None:
    """The CL kind "<tissue word> cell" for the last tissue mention of the value when only filler
    ending in "cells" follows it and no cell kind is named after it (module docstring); else None."""
    tissues = [m for m in mentions.found if m.match.field == "tissue" and m.match.term_id]
    if not tissues:
        return None
    last = max(tissues, key=lambda m: m.start)
    after = mentions.tokens[last.stop :]
    if not after or not _CELLS.match(after[-1]) or not is_filler(after[:-1]):
        return None
    if any(head.start >= last.stop for head in heads) or index.is_ancestor(_ORGAN, last.match.term_id):
        return None
    found = match_text("cell_type", f"{last.match.text} cell", taxid=taxid, fuzzy=False, index=index)
    if found is None or found.ambiguous:
        return None
    return Mention(found, last.start, len(mentions.tokens), last.whole)
