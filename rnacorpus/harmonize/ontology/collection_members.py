"""A plural that UBERON lists only as a name of the collection: the organ sampled is the member.

Family: ``lungs``, ``carpal bones``, ``metacarpal bones``, ``deciduous teeth`` — a plural written for
organs of which a body has several, which UBERON gives as an exact synonym of the *collection* term
(pair of lungs, carpal skeleton, metacarpus skeleton, primary dentition: kinds of "anatomical
collection") while its singular is the label of the member organ, part of that collection. A curator
records the organ the tissue came from (``kidneys`` is kidney, the same way, through the plural rule
of :func:`~.normalize.norm`); the collection is the set as a whole, which no sample is.

Not this family: a collection whose singular names no member part of it (``eyelashes``: the eyelash
is not filed in the collection of eyelashes; ``teeth``: UBERON's tooth is several terms, none a part
of the dentition) — the collection stays the answer; a plural that is a synonym of a term that is no
collection (``nerves`` of nerve).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from rnacorpus.harmonize.ontology.index import Hit, OntologyIndex

__all__ = ["ANATOMICAL_COLLECTION", "member_of_collection"]

#: UBERON's "anatomical collection": pair of lungs, dentition, carpal skeleton …
ANATOMICAL_COLLECTION = "UBERON:0034925"
_ORGAN = "UBERON:0000062"


def _collection(index: OntologyIndex, term_id: str) -> bool:
    """A kind of collection rather than an organ: the closure follows part_of too, so an organ of a
    collection (lung, in the pair of lungs) has "anatomical collection" among its ancestors — but
    "organ" as near or nearer, where the collection itself is no organ or nearer the collection."""
    if term_id not in _collections(index):
        return False
    ancestors = index.ancestors(term_id)
    collection = ancestors.get(ANATOMICAL_COLLECTION)
    organ = ancestors.get(_ORGAN)
    return collection is not None and (organ is None or collection < organ)


@functools.lru_cache(maxsize=2)
def _collections(index: OntologyIndex) -> frozenset[str]:
    """The collection terms and whatever the closure files under them (organs of a collection too):
    one set per index, so most synonyms are passed over without reading their ancestors."""
    return frozenset(index.descendants([ANATOMICAL_COLLECTION]))


def member_of_collection(index: OntologyIndex, hit: Hit, singular: Callable[[], Sequence[Hit]]) -> str | None:
    """The member organ for ``hit`` — an exact synonym of a collection term — when the labels found for
    the singular form (``singular``: the normalized lookup, asked only for such a synonym) name
    exactly one term, and that term is a direct part of the collection; else None (the collection
    stays)."""
    if hit.kind != "exact_synonym" or not _collection(index, hit.term_id):
        return None
    members = {h.term_id for h in singular() if h.kind == "label" and h.term_id != hit.term_id}
    if len(members) != 1:
        return None
    member = members.pop()
    return member if index.ancestors(member).get(hit.term_id) == 1 else None
