"""Words before a tissue phrase that say it is not the sample: it is denied or it only locates.

Kept apart from :mod:`rnacorpus.harmonize.ontology.mentions` (which finds the phrases) so that module
stays a size one can read. Both families drop the phrase's mention and leave its words read by
nothing; the rest of the value gives the tissue.

* denied — ``Pancreas-mid-portion (not tail)``, ``whole brain without cerebellum``: the part left out;
* locating — ``Skin just above pubic hair``, ``Gastrocnemius below patella`` (GTEx's sampling sites as
  Bgee's curators list them): a landmark after a preposition of place, when a tissue is named before
  it; the landmark says where the sample was cut, not what it is. A noun of position with ``of``
  (``Minor Salivary Gland - Inner surface of lower lip``, ``skin, lateral side of the thigh``) is such a
  preposition: the structure after it bears the place, the tissue named first was cut there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnacorpus.harmonize.ontology.match import FieldMatch
    from rnacorpus.harmonize.ontology.mentions import Mention

__all__ = ["locating", "negated"]

#: words that deny the phrase after them ("not tail", "without cerebellum", "excluding skin")
NEGATIONS = frozenset({"not", "no", "without", "excluding", "except", "minus"})
#: prepositions of place: the phrase after them is a landmark of the sample
LOCATING = frozenset({"above", "below", "beneath", "under", "underneath", "near", "behind", "overlying"})
#: nouns of a place on a structure, not parts of it: "<noun> of <structure>" locates like a preposition
POSITION_NOUNS = frozenset({"surface", "side", "aspect", "vicinity"})
#: words between the place word and the landmark that do not change it
_ARTICLES = frozenset({"the", "a", "an"})


#: words a negation carries over to the phrase after them ("not including cerebellum", "not containing skin")
NEGATION_CARRIERS = frozenset({"including", "incl", "containing", "counting"})


def negated(tokens: list[str], start: int, hit: FieldMatch) -> bool:
    """A tissue written right after a word that denies it, after a negation and a word it carries over
    to the phrase (``brain, not including cerebellum``: the family of "not including / containing /
    counting X"), or after "other than"."""
    if hit.field != "tissue" or start == 0:
        return False
    before = [token.lower() for token in tokens[max(0, start - 2) : start]]
    if before[-1] in NEGATIONS:
        return True
    return len(before) == 2 and (
        (before[0] in NEGATIONS and before[1] in NEGATION_CARRIERS) or before == ["other", "than"]
    )


def locating(tokens: list[str], mention: Mention, found: list[Mention]) -> bool:
    """A tissue written right after a preposition of place, with another tissue named before it."""
    start = mention.start
    return (
        mention.match.field == "tissue"
        and _after_place(tokens[:start])
        and any(other.match.field == "tissue" and other.stop < start for other in found if other is not mention)
    )


def _after_place(before: list[str]) -> bool:
    """The words before a phrase end with a preposition of place, or a noun of position and "of"
    (articles between them and the phrase aside)."""
    words = [word.lower() for word in before]
    while words and words[-1] in _ARTICLES:
        words.pop()
    if words[-1:] and words[-1] in LOCATING:
        return True
    return len(words) >= 2 and words[-1] == "of" and words[-2] in POSITION_NOUNS
