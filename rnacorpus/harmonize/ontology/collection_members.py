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

from collections.abc import Sequence

from rnacorpus.harmonize.ontology.index import Hit, OntologyIndex

__all__ = ["ANATOMICAL_COLLECTION", "member_of_collection"]

#: UBERON's "anatomical collection": pair of lungs, dentition, carpal skeleton …
ANATOMICAL_COLLECTION = "UBERON:0034925"


def member_of_collection(index: OntologyIndex, hit: Hit, singular: Sequence[Hit]) -> str | None:
    """The member organ for ``hit`` — an exact synonym of a collection term — when the labels found for
    the singular form (``singular``: the normalized lookup) name exactly one term, and that term is a
    direct part of the collection; else None (the collection stays)."""
    if hit.kind != "exact_synonym" or ANATOMICAL_COLLECTION not in index.ancestors(hit.term_id):
        return None
    members = {h.term_id for h in singular if h.kind == "label" and h.term_id != hit.term_id}
    if len(members) != 1:
        return None
    member = members.pop()
    return member if index.ancestors(member).get(hit.term_id) == 1 else None
