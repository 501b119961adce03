"""Which of several tissue phrases a value names is the sample: the most specific of related ones, the
organ named beside a whole organism (``embryo … tongue``), the head of a compound (``femur bone
marrow``), the site of an "Organ - site" value (:mod:`.organ_site`).
Moved from :mod:`.freetext` unchanged (session 29), so that module stays small."""

from __future__ import annotations

from rnacorpus.harmonize.ontology.class_heads import in_class
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.mentions import Mention
from rnacorpus.harmonize.ontology.name_pairs import organ_relative_part
from rnacorpus.harmonize.ontology.normalize import norm
from rnacorpus.harmonize.ontology.organ_site import kind_in_site, organ_then_site, part_within

__all__ = ["most_specific", "tissue_decision"]

#: UBERON's multicellular organism: embryo, fetus, whole organism are kinds of it
_ORGANISM = "UBERON:0000468"


def _organism_kind(term_id: str, index: OntologyIndex) -> bool:
    """The organism itself or a kind of it one step below (embryo, larva, adult organism); a structure
    of the body is further below it (the closure also runs through part-of)."""
    return term_id == _ORGANISM or index.ancestors(term_id).get(_ORGANISM) == 1


def _organ_of_the_organism(chosen: Mention, found: list[Mention], index: OntologyIndex) -> Mention | None:
    """A whole organism (``embryo``, ``fetus``) named with a structure of the body: the structure is what
    was sampled, the organism only says whose (``8.5 week embryo anterior tongue``, ``fetus, liver``).
    The family of descriptive values that put the donor's kind before the organ; UBERON relates no
    organ to the embryo by part-of, so :func:`most_specific` would keep the first. General: a test on
    UBERON's closure (the chosen term is a kind of multicellular organism), never a list of words."""
    if not _organism_kind(chosen.match.term_id, index):
        return None
    organs = [
        m
        for m in found
        if not m.match.ambiguous
        and not _organism_kind(m.match.term_id, index)
        and not index.is_ancestor(m.match.term_id, chosen.match.term_id)
    ]
    return most_specific(organs, index)[0] if organs else None


def most_specific(found: list[Mention], index: OntologyIndex) -> tuple[Mention, list[Mention]]:
    """The mention to keep, and the ones it beat that are not simply its ancestors."""
    terms = {mention.match.term_id for mention in found}
    leaves = [m for m in found if not any(index.is_ancestor(m.match.term_id, other) for other in terms)]
    chosen = (leaves or found)[0]
    others = [m for m in found if m.match.term_id != chosen.match.term_id and m in leaves]
    return chosen, others


def _class_word(head: Mention, first: Mention, index: OntologyIndex) -> bool:
    """``quadriceps muscle``: the second word only names a class the first is (a thigh muscle)."""
    return in_class(first.match.term_id, norm(head.match.text), index)


def _compound_head(chosen: Mention, found: list[Mention], gaps: list[str], index: OntologyIndex) -> Mention:
    """English compounds put the head last: of two tissue phrases written side by side with only a
    space between and unrelated in UBERON (``femur bone marrow``, ``breast milk``, ``tail tendon``), the
    second is what was sampled and the first says where from. Not when punctuation separates them
    (``liver, kidney``: a list; ``Brain - Cortex``: decided by :mod:`.organ_site`) or when the second
    only names a class the first belongs to (``quadriceps muscle``). A second that is a part UBERON
    specializes per organ is looked for within the first (:func:`~.organ_site.part_within`: ``lung
    lymph node`` → pulmonary lymph node; several such parts are reported, none keeps the organ)."""
    for head in found:
        if (
            head.start == chosen.stop
            and head.start < len(gaps)
            and not gaps[head.start].strip()
            and not index.is_ancestor(head.match.term_id, chosen.match.term_id)
            and not index.is_ancestor(chosen.match.term_id, head.match.term_id)
            and not _class_word(head, chosen, index)
        ):
            # a part every organ has is looked for within the first (lung lymph node)
            if organ_relative_part(index, head.match.term_id):
                return part_within(chosen, head, index, inside=False)
            # a tissue kind with the structure it was taken from (greater omentum adipose tissue)
            return kind_in_site(head, chosen, index) or kind_in_site(chosen, head, index) or head
    return chosen


def tissue_decision(
    found: list[Mention], value: str, taxid: int | None, index: OntologyIndex, gaps: list[str]
) -> tuple[Mention, list[Mention]]:
    """Like :func:`most_specific`, but a compound keeps its head (:func:`_compound_head`) and an
    "Organ - site" value keeps its site (:mod:`.organ_site`)."""
    chosen, others = most_specific(found, index)
    if (organ := _organ_of_the_organism(chosen, found, index)) is not None:
        chosen, others = organ, [chosen, *(m for m in others if m is not organ)]
    head = _compound_head(chosen, found, gaps, index)
    if head is not chosen:
        chosen, others = head, [chosen, *(m for m in others if m is not head)]
    ordered = sorted(found, key=lambda m: m.start)
    site = organ_then_site(value, ordered, taxid, index, gaps)
    if site is None or site.match.term_id == chosen.match.term_id:
        return chosen, others
    leaves = [m for m in ordered if m.match.term_id != site.match.term_id and m in [chosen, *others]]
    return site, leaves
