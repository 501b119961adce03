"""An adjective-noun phrase whose words, inverted, are another term's label (``aortic arch``).

UBERON files "aortic arch" as an exact synonym of the pharyngeal arch artery (the embryo's aortic
arches), while the adult vessel is labelled "arch of aorta" and lists no such synonym; a depositor's
"aortic arch" (the site of atherosclerosis studies in adult mice) was read as the embryonic artery.
The matcher already takes a label before a synonym when one name is both (``direct_match._pick``);
this applies the same rule to the same two words written in the "<part> of <organ>" order UBERON
labels use: when that order names another term by its label, the label reading is taken.

General: the organ noun comes from the adjective by the adjectival-ending family
(:func:`~.tissue_forms.adjective_nouns`) and is accepted only through a label lookup of the inverted
name; one term only (two labels are no reading); never a list of words. In UBERON v2026-04-01 the
whole family, checked over every two-word tissue synonym, has this one member ("aortic arch"); the
test is on the names and the closure alone, so a later release's members are read the same way.
Only when the two readings are unrelated (:func:`unrelated`); not when the synonym's term lies
within the organ the adjective names ("pelvic bone": the innominate bone is part of the pelvis, a
reading of the same words that "bone of pelvis" only groups), nor when the part word is a structure class (``artery``:
:data:`~.name_pairs.KINDS_MIN` or more labelled kinds).
"""

from __future__ import annotations

from collections.abc import Iterable

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.name_pairs import KINDS_MIN, labelled_kinds
from rnacorpus.harmonize.ontology.tissue_forms import adjective_nouns

__all__ = ["inverted_label", "unrelated"]


def inverted_label(key: str, synonym_of: str, index: OntologyIndex, scopes: Iterable[str]) -> str | None:
    """The term labelled "<noun> of <organ>" for a two-word ``<adjective> <noun>`` key whose synonym
    reading ``synonym_of`` lies outside that organ and is unrelated to it, else ``None``."""
    words = key.split()
    if len(words) != 2:
        return None
    adjective, noun = words
    wanted = tuple(scopes)
    for organ in adjective_nouns(adjective):
        labels = {hit.term_id for hit in index.lookup(f"{noun} of {organ}", "casefold", wanted) if hit.kind == "label"}
        if len(labels) != 1:
            continue
        # asked only once an inverted label exists (rare): counting a word's labelled kinds walks the
        # closure of every term headed by it, ~0.3 CPU-s a word, which every two-word key paid before
        if any(len(labelled_kinds(index, hit.term_id)) >= KINDS_MIN for hit in index.lookup(noun, "norm", wanted)):
            return None  # "appendiceal artery": artery of appendix groups a class's kinds; the synonym names one
        (inverted,) = labels
        organs = {hit.term_id for hit in index.lookup(organ, "casefold", wanted)}
        if any(index.is_ancestor(term, synonym_of) for term in organs):
            return None  # "pelvic bone": the innominate bone is part of the pelvis; the synonym stands
        return inverted if unrelated(inverted, synonym_of, index) else None
    return None


def unrelated(one: str, other: str, index: OntologyIndex) -> bool:
    """Two different terms neither of which is the other's ancestor (is_a or part_of)."""
    return one != other and not index.is_ancestor(one, other) and not index.is_ancestor(other, one)
