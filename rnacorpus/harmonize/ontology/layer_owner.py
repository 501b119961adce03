"""Cells named by a layer of a structure, with a word before it saying which structure.

Family: ``femoral artery smooth muscle cells``, ``basilar artery smooth muscle cells``, ``cerebral
artery smooth muscle cells`` — a cell kind written after the layer of its own kind that UBERON names
for a whole structure (*artery smooth muscle* tissue, the smooth muscle of the artery), with the words
before the layer naming a narrower structure of that whole (the femoral artery is an artery). The
phrase finder claims the layer (the longest name), leaving the words before it unread; the origin
:func:`~.implied.organ_of_layer` gives is the generic whole (artery), true but coarser than what the
depositor wrote. The structure the words name with the whole's name is where the cells were taken from,
as for the vessel or valve written with endothelial cells (:func:`~.class_heads.origin_before_cell`).

Not this family: words that with the whole's name form no UBERON name, or one that is not a kind or
part of the whole (the whole stays the answer); a layer named with its organ's adjective in one phrase
(``tracheal smooth muscle cells``: the trachea, found by the layer alone).
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.name_pairs import tissue_names
from rnacorpus.harmonize.ontology.normalize import FUNCTION_WORDS

__all__ = ["narrower_whole_before"]

#: words before the layer tried with the whole's name, longest first (internal mammary artery)
_WORDS_BEFORE_MAX = 2


def narrower_whole_before(
    whole: str, tokens: list[str], start: int, taxid: int | None, index: OntologyIndex
) -> tuple[str, str] | None:
    """(term, words) for the structure the one or two words before ``start`` (where the layer phrase
    begins) name with a name of ``whole``, when that structure is a kind or part of ``whole``; else
    None."""
    names = sorted({name.lower() for name in tissue_names(index, whole)}, key=len)
    for size in range(min(_WORDS_BEFORE_MAX, start), 0, -1):
        words = tokens[start - size : start]
        if any(word.lower() in FUNCTION_WORDS for word in words):
            continue
        before = " ".join(words)
        for name in names:
            found = match_text("tissue", f"{before} {name}", taxid=taxid, fuzzy=False, index=index)
            if (
                found is not None
                and not found.ambiguous
                and found.term_id != whole
                and index.is_ancestor(whole, found.term_id)
            ):
                return found.term_id, before
    return None
