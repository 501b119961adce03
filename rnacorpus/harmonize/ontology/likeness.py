"""A tissue or cell word followed by "like" names what the sample resembles, not what it is.

Family: ``epithelial-like``, ``mesenchymal-like``, ``liver-like organoids``, ``brain-like``,
``hepatocyte-like cells``, ``cardiomyocyte-like cells`` — cells or organoids described by their
likeness to a tissue or cell type, most often made in vitro (MetaSRA's ``EPITHELIAL-LIKE`` under a
cell-type key was read as the tissue "epithelium"; ``brain-like`` as a part whose label holds
"-like"). The tissue word is read by nothing (:func:`resembles`), and a cell word's origin is not
the sample's tissue (:func:`resembled_cells`: hepatocyte-like cells were never taken from a liver).
The cell type itself is kept: curators label ``fibroblast-like cells`` as fibroblasts.

Not this family: "like" inside a name UBERON or CL lists (``striatum-like amygdalar nuclei``,
``fibroblast-like synoviocyte``), which the whole name matches before any word is read alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnacorpus.harmonize.ontology.mentions import Mention, Mentions

__all__ = ["resembled_cells", "resembles"]

_LIKE = "like"


def _before_like(tokens: list[str], mention: Mention) -> bool:
    return mention.stop < len(tokens) and tokens[mention.stop].lower() == _LIKE


def resembles(tokens: list[str], mention: Mention, found: list[Mention] | None = None) -> bool:
    """A tissue phrase written right before "like": what the sample resembles (``found``, the other
    phrases, is not needed; the signature is that of the other denying rules)."""
    return mention.match.field == "tissue" and _before_like(tokens, mention)


def resembled_cells(mentions: Mentions) -> str | None:
    """The cell-type phrase written right before "like" (``hepatocyte like``), else None."""
    for mention in mentions.for_field("cell_type"):
        if _before_like(mentions.tokens, mention):
            return " ".join(mentions.tokens[mention.start : mention.stop + 1])
    return None
