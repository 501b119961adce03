"""An adjective of a kind of tissue, written as the value's only tissue word, names no tissue sampled.

``neural``, ``lymphoid``, ``haematopoietic progenitor``: the spelling families read a lone adjective
as "<adjective> tissue", and UBERON labels a kind of tissue so (neural tissue, lymphoid tissue,
hematopoietic tissue). Written alone, such an adjective describes cells or a lineage — what the cells
are like — and says nothing of which tissue they were taken from, so the tissue stays unmapped (a
value that writes the kind, ``lymphoid tissue``, is read as before).

General: the test is UBERON's own label (the term read is a tissue, is_a/part_of UBERON's "tissue",
labelled exactly "<the word> tissue") and the word's form (an adjective ending: -al, -ic, -oid …),
never a list of words. An organ's adjective (``tonsillar`` → tonsil, ``urothelial`` → urothelium) and a
noun (``cartilage`` → cartilage tissue) are unchanged, and so is a value that also names an organ or a
reviewed row of ``data/curated_terms.tsv`` (``adipose``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.mentions import Mention
from rnacorpus.harmonize.ontology.normalize import norm
from rnacorpus.harmonize.ontology.tissue_forms import ADJECTIVE_ENDINGS

__all__ = ["kind_adjective"]

_TISSUE = "UBERON:0000479"
_TISSUE_WORDS = frozenset({"tissue", "tissues"})
#: adjective endings: the organ-adjective endings of the spelling families, and "-oid" (lymphoid, myeloid)
_ENDINGS = (*ADJECTIVE_ENDINGS, "oid")


def kind_adjective(
    chosen: Mention, found: Sequence[Mention], tokens: Sequence[str], index: OntologyIndex
) -> str | None:
    """Why the tissue stays unmapped when ``chosen``, the value's only tissue reading, is one adjective
    read as the kind of tissue UBERON labels "<adjective> tissue", with no "tissue" written after it
    (``tokens``: the value's words; see the module); else None."""
    match = chosen.match
    word = match.text.casefold()
    lowered = [token.lower() for token in tokens]
    if any(a == word and b in _TISSUE_WORDS for a, b in itertools.pairwise(lowered)):
        return None  # "Human Lymphoid tissue": the kind written out
    if match.ambiguous or match.method == "curated" or not word.isalpha() or not word.endswith(_ENDINGS):
        return None
    if any(m.match.term_id != match.term_id for m in found):
        return None
    label = index.label(match.term_id) or ""
    if norm(label) != norm(f"{word} tissue") or _TISSUE not in index.ancestors(match.term_id):
        return None
    return f"{match.text!r} describes cells as of a kind of tissue ({label}), not the tissue they were taken from"
