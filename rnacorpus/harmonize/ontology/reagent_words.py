"""A tissue or cell word that names a reagent, not the sample: the word qualifies what follows it.

Family: the first word of a protein's or chemical's name — ``nerve growth factor``, ``brain-derived
neurotrophic factor``, ``hepatocyte growth factor``, ``bone morphogenetic protein 2``, ``bile acid``
— and a culture medium's state — ``serum-free medium``, ``serum starved HeLa cells``, ``serum
stimulation``: the serum is what the cells were kept with or without, not a tissue the sample is
(the tuning split's ``serum-starved fibroblasts``, ``fibroblasts in serum-free medium``). Such a
phrase is read by nothing; the rest of the value gives the tissue (a line's origin, the cells' own).

Not this family: a tissue word followed by cells or by another tissue (``liver cells in medium``: the
cells word stops the look-ahead), or standing alone (``serum``, ``human serum``: the sample).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnacorpus.harmonize.ontology.normalize import FUNCTION_WORDS

if TYPE_CHECKING:
    from rnacorpus.harmonize.ontology.mentions import Mention

__all__ = ["names_a_reagent"]

#: the head nouns of reagent names: a factor, protein, hormone, acid or medium named after a tissue
REAGENT_HEADS = frozenset(
    {
        "factor", "factors", "protein", "proteins", "hormone", "hormones", "peptide", "peptides", "acid",
        "acids", "salt", "salts", "medium", "media", "supplement", "supplements",
    }
)  # fmt: skip
#: words right after "serum" / "plasma" that say the culture medium's state
CULTURE_STATES = frozenset(
    {
        "free", "starved", "starvation", "deprived", "deprivation", "depleted", "depletion", "withdrawal",
        "reduced", "stimulated", "stimulation",
    }
)  # fmt: skip
#: modifiers a reagent name may have between the tissue word and its head (nerve *growth* factor)
_BETWEEN_MAX = 2
_STOP_WORDS = frozenset({"cell", "cells", "tissue", "tissues"})
#: the tissue words a culture medium is made of: the only ones a culture state follows
_MEDIA = frozenset({"serum", "sera", "plasma"})


def names_a_reagent(tokens: list[str], mention: Mention, found: list[Mention]) -> bool:
    """A tissue or cell-type phrase whose next words are a culture state (``serum free``) or, through
    at most two modifiers that are no phrase of their own, the head of a reagent's name (``growth
    factor``, ``morphogenetic protein``, ``acid``)."""
    if mention.match.field not in {"tissue", "cell_type"}:
        return False
    after = [word.lower() for word in tokens[mention.stop : mention.stop + _BETWEEN_MAX + 1]]
    # only serum or plasma has a culture state: "free wall" of a ventricle, a liver "stimulated" with
    # LPS are still the tissue
    if after and after[0] in CULTURE_STATES and tokens[mention.stop - 1].lower() in _MEDIA:
        return True
    claimed = {i for other in found if other is not mention for i in range(other.start, other.stop)}
    for offset, word in enumerate(after):
        if word in REAGENT_HEADS:
            return True
        if word in FUNCTION_WORDS or word in _STOP_WORDS or mention.stop + offset in claimed:
            return False
    return False
