"""A tissue or cell word followed by "like", or governed by a verb of likeness, names what the sample
resembles, not what it is.

Family: ``epithelial-like``, ``mesenchymal-like``, ``liver-like organoids``, ``brain-like``,
``hepatocyte-like cells``, ``cardiomyocyte-like cells`` — cells or organoids described by their
likeness to a tissue or cell type, most often made in vitro (MetaSRA's ``EPITHELIAL-LIKE`` under a
cell-type key was read as the tissue "epithelium"; ``brain-like`` as a part whose label holds
"-like"). The tissue word is read by nothing (:func:`resembles`), and a cell word's origin is not
the sample's tissue (:func:`resembled_cells`: hepatocyte-like cells were never taken from a liver).
The cell type itself is kept: curators label ``fibroblast-like cells`` as fibroblasts.

"Equivalent" after the word says the same (``human skin equivalent``, ``dorsal forebrain
equivalent``): a tissue engineered or grown to stand in for it, not taken from it.

The verbs say the same before the word (``neuronal aggregates that resemble a first trimester
telencephalon``, ``cells resembling hepatocytes``): the resembled word a few words after the verb is
read by nothing either.

Not this family: "like" inside a name UBERON or CL lists (``striatum-like amygdalar nuclei``,
``fibroblast-like synoviocyte``), which the whole name matches before any word is read alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnacorpus.harmonize.ontology.mentions import Mention, Mentions

__all__ = ["resembled_cells", "resembles"]

#: "like", and "equivalent": an engineered stand-in for the tissue (``human skin equivalent``, a
#: reconstructed skin; ``dorsal forebrain equivalent``, an organoid region)
_LIKE_WORDS = frozenset({"like", "equivalent", "equivalents"})
#: verbs of likeness written before what is resembled (``aggregates that resemble a first trimester
#: telencephalon``, ``cells resembling hepatocytes``, ``organoids mimicking the kidney``)
_RESEMBLING = frozenset({"resemble", "resembles", "resembling", "mimic", "mimics", "mimicking"})
#: words between the verb and the phrase it governs (an article, an age, a qualifier)
_OBJECT_WINDOW = 4


def _followed_by_like(tokens: list[str], mention: Mention) -> bool:
    return mention.stop < len(tokens) and tokens[mention.stop].lower() in _LIKE_WORDS


def _before_like(tokens: list[str], mention: Mention) -> bool:
    if _followed_by_like(tokens, mention):
        return True
    # the object of a verb of likeness, a few words after it
    before = tokens[max(0, mention.start - _OBJECT_WINDOW) : mention.start]
    return any(token.lower() in _RESEMBLING for token in before)


def resembles(tokens: list[str], mention: Mention, found: list[Mention] | None = None) -> bool:
    """A tissue phrase written right before "like": what the sample resembles (``found``, the other
    phrases, is not needed; the signature is that of the other denying rules)."""
    return mention.match.field == "tissue" and _before_like(tokens, mention)


def resembled_cells(mentions: Mentions) -> str | None:
    """The cell-type phrase written right before "like" (``hepatocyte like``) or after a verb of
    likeness (``resembling hepatocytes``), else None."""
    tokens = mentions.tokens
    for mention in mentions.for_field("cell_type"):
        if _before_like(tokens, mention):
            liked = _followed_by_like(tokens, mention)
            return " ".join(tokens[mention.start : mention.stop + liked])
    return None
