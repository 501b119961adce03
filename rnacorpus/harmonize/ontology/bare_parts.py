"""A part word written alone: the value says which part, not whose.

Family: ``septum``, ``capsule``, ``medulla``, ``cortex``, ``stroma`` as the whole tissue phrase of a
value (filler words aside). Each is one word naming a region or layer of organs (:func:`_organ_region`)
that UBERON specializes per organ — its own names "<part> of <organ>" / "<adjective> <part>" for three
or more organs none of which holds another (septum: cardiac septum, lingual septum, septum of
telencephalon, of scrotum; capsule: of kidney, of lens, of liver, of joints …) and no organ of its own
that holds them all (:func:`~.name_pairs.organ_relative_part`). The generic term UBERON files the
word under is true of every reading, but it says nothing a curator would record about the sample, and
the readings lie in unrelated organs: the tissue is left unmapped with a few of the organs' parts in
the reason (precision first, as for the part nouns :func:`~.name_pairs.synonym_noun_readings`
reports).

Not this family: a part whose readings are few or nested (``digits``: of the hand or the foot, both in
one limb segment — the digit is the answer); a part anchored in one organ (``myocardium``: each heart
chamber's, all in the heart); a kind of tissue or structure that stands on its own (``epithelium``,
``vein``, ``nerve``, ``gland``, ``ganglia``: recorded as written, though UBERON names them per organ
too); a part written with its organ (``kidney capsule``, ``Brain - Cortex``: decided by
:mod:`.organ_site` and :func:`~.organ_site.part_within`); a phrase of several words (``lymph node``: an
organ itself, placed by region); a reviewed row of ``data/curated_terms.tsv`` (``bone``, ``muscle``),
which a curator chose for the bare word.
"""

from __future__ import annotations

from collections.abc import Sequence

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.mentions import FILLER, Mention, Mentions
from rnacorpus.harmonize.ontology.name_pairs import organ_readings, organ_relative_part
from rnacorpus.harmonize.ontology.value_words import is_stage_code, is_time_number

__all__ = ["bare_part"]

#: unrelated organs a part must be named for before the bare word is read as "whose is not said"
_UNRELATED_ORGANS_MIN = 3
_SHOWN = 5
#: fields of a phrase that says when the sample was taken, not whose part it is
_WHEN_FIELDS = frozenset({"development_stage", "age"})
#: UBERON's "organ": "medulla of organ", "cortex" name the generic part for it, not an organ reading
_ORGAN = "UBERON:0000062"
#: organ part, compound organ component, organ component layer: UBERON's classes of the regions and
#: layers that exist only within an organ
_REGION_CLASSES = frozenset({"UBERON:0000064", "UBERON:0000471", "UBERON:0004923"})
#: a region class further up than this is reached through a kind of tissue (mesothelium: an epithelium
#: of serous membranes, a wall three steps up)
_REGION_DISTANCE_MAX = 2
#: anatomical structure, multicellular anatomical structure: a part filed under these alone is a
#: position word UBERON gives no kind (septum)
_ROOTS = frozenset({"UBERON:0000061", "UBERON:0010000"})


def _organ_region(term_id: str, index: OntologyIndex) -> bool:
    """A region or layer of an organ by UBERON's classes (cortex, capsule, medulla, stroma, mucosa,
    duct), or a part it files under nothing but "anatomical structure" (septum) — not a kind of tissue
    or structure that stands on its own (epithelium, vein, nerve, tendon, gland, ganglion), which a
    curator records as written."""
    ancestors = index.ancestors(term_id)
    if any(ancestors.get(c, _REGION_DISTANCE_MAX + 1) <= _REGION_DISTANCE_MAX for c in _REGION_CLASSES):
        return True
    return {a for a, distance in ancestors.items() if distance == 1} <= _ROOTS


def bare_part(
    chosen: Mention, found: Sequence[Mention], index: OntologyIndex, mentions: Mentions | None = None
) -> str | None:
    """Why the tissue stays unmapped when ``chosen`` — the whole value but filler words, and its only
    tissue phrase — is one word naming a part of three or more unrelated organs, a part UBERON files
    organs' parts under (cardiac septum is a septum; the tail of the pancreas is no post-anal tail);
    else None. With the value's ``mentions``, the same when the part is the value's only phrase and
    the other words, read by nothing, say whose it is in a form no rule reads (``urethral stroma``,
    ``lingual submucosa``): the generic part would drop what the depositor wrote."""
    match = chosen.match
    unread = _unread_words(chosen, mentions) if mentions is not None and not chosen.whole else []
    if (
        not (chosen.whole or unread)
        or match.method in {"curated", "ambiguous"}
        or len(match.text.split()) != 1
        or any(m.match.term_id != match.term_id for m in found)
        or not organ_relative_part(index, match.term_id)
        or not _organ_region(match.term_id, index)
    ):
        return None
    readings = {organ: part for organ, part in organ_readings(index, match.term_id).items() if organ != _ORGAN}
    if not any(index.is_ancestor(match.term_id, part) for part in readings.values()):
        # the term is no generic part UBERON files the organs' ones under (cardiac septum is a septum):
        # "tail of pancreas" and the post-anal tail only share a word
        return None
    organs = index.outermost(readings)
    if len(organs) < _UNRELATED_ORGANS_MIN:
        return None
    shown = index.shown(sorted(readings[organ] for organ in organs), _SHOWN)
    if unread:
        words = " ".join(unread)
        return f"{words!r} with {match.text!r} names no organ read here; the part alone is coarser ({shown})"
    return f"{match.text!r} names a part of {len(organs)} unrelated organs ({shown}); which organ's is not said"


def _unread_words(chosen: Mention, mentions: Mentions) -> list[str]:
    """The value's words outside ``chosen`` but filler, when it is the value's only phrase and they are
    all words (an unread organ adjective, a side word: ``left cortex`` says no more whose); empty
    otherwise. A life-stage phrase (``fetal``, ``adult``, ``embryonic``) and an age written as a number
    before its unit (``20-22 weeks``) or as a day code (``E16``, ``P7``) say when, never whose: ``fetal
    cortex 20-22 weeks``, ``e16 embryonic cortex`` and ``adult cortex`` name no organ either (the stage
    word is kept in the words, the age dropped)."""
    if any(
        m is not chosen and (m.start, m.stop) != (chosen.start, chosen.stop) and m.match.field not in _WHEN_FIELDS
        for m in mentions.found
    ):
        return []
    if mentions.cell_line is not None:
        return []
    tokens = mentions.tokens
    outside = [i for i in range(len(tokens)) if not chosen.start <= i < chosen.stop]
    when = [tokens[i] for i in outside if is_time_number(tokens, i) or is_stage_code(tokens[i])]
    words = [tokens[i] for i in outside if tokens[i] not in when and tokens[i].lower() not in FILLER]
    # a day code alone beside the part (P7 cortex) is as bare as a stage word
    return words if all(t.isalpha() for t in words) and words else [t for t in when if is_stage_code(t)]
