"""A tissue phrase the ontology writes otherwise, read through the spelling families.

:func:`rewritten_match` runs every rewrite of :mod:`.tissue_forms` (and the sided, cavity, Brodmann
and fat-depot families) through the direct rules (:func:`~.direct_match.direct_match`); one term
among all answers is the match, several are reported as ambiguity unless one of them holds the
others. Whether an adjective may be trusted is read from UBERON's own names (:mod:`.name_pairs`).
"""

from __future__ import annotations

from collections.abc import Callable

from rnacorpus.harmonize.ontology.brodmann import brodmann_rewrites
from rnacorpus.harmonize.ontology.cavity_fluids import cavity_rewrites
from rnacorpus.harmonize.ontology.direct_match import (
    CONFIDENCE,
    GENERIC_TERMS,
    FieldMatch,
    direct_match,
    in_lineage,
    lineage_words,
)
from rnacorpus.harmonize.ontology.dropped_adjective import labels_without_adjective
from rnacorpus.harmonize.ontology.fat_depots import ADIPOSE_TISSUE, depot_rewrites
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.name_pairs import (
    adjective_conflicts,
    adjective_narrower_reading,
    paired_organ,
    synonym_noun_readings,
    tissue_names,
)
from rnacorpus.harmonize.ontology.tissue_forms import adjective_nouns, organ_parts, sided_names, tissue_rewrites

__all__ = ["rewritten_match"]


def rewritten_match(
    field: str,
    text: str,
    taxid: int | None,
    index: OntologyIndex,
    reads: Callable[[str], FieldMatch | None],
) -> FieldMatch | None:
    """A tissue spelling the ontology writes otherwise (:mod:`.tissue_forms`): every rewrite goes
    through the direct rules; one term among all answers is the match, several are reported as
    ambiguity unless one of them holds the others. Rewrites of one word are not trusted inside longer
    text (``single_word_synonym``)."""
    found: dict[str, FieldMatch] = {}
    adjectival: set[str] = set()  # terms reached only by reading a word as an adjective

    unclear: list[FieldMatch] = []  # whole-value rewrites naming several terms: reported if nothing is found
    depots: set[str] = set()  # fat depots named by the adjective as written

    def direct(candidate: str, *, whole: bool = False) -> FieldMatch | None:
        hit = direct_match(field, candidate, taxid, index)
        if whole and hit is not None and hit.ambiguous:
            unclear.append(hit)
        return None if hit is None or hit.ambiguous or hit.term_id in GENERIC_TERMS else hit

    def resolve(part: str) -> str | None:
        hit = direct(part)
        if hit is None and len(part.split()) == 1 and direct_match(field, part, taxid, index) is None:
            # a Latin organ adjective UBERON pairs with one organ (vesical wall: the bladder's wall)
            return paired_organ(index, part)
        return hit.term_id if hit is not None else None

    sided = ((name, "sided") for name in sided_names(text, resolve, lambda term: tissue_names(index, term)))
    candidates = [*tissue_rewrites(text), *sided, *((name, "cavity") for name in cavity_rewrites(text))]
    candidates += [(name, "brodmann") for name in brodmann_rewrites(text)]
    candidates += list(depot_rewrites(text))
    # "wing discs" of a fly: the lineage block's label "insect wing disc", written without its lineage
    # word; not when a word says the donor's stage or sex ("adult brain": the brain, of an adult)
    if lineage := lineage_words(taxid):
        stated = any(
            direct_match(other, word, taxid, index) is not None
            for word in text.split()
            for other in ("development_stage", "sex")
        )
        candidates += [] if stated else [(f"{word} {text}", "lineage") for word in lineage]
    for candidate, family in candidates:
        hit = direct(candidate, whole=True)
        if hit is None or hit.term_id in found:
            continue
        if family.startswith("depot") and not index.is_ancestor(ADIPOSE_TISSUE, hit.term_id):
            continue  # only a fat depot answers a fat depot's name
        if family == "depot_around" and depots:
            continue  # "perirenal fat" is named as written: not the renal fat pad
        if family == "depot":
            depots.add(hit.term_id)
        if family == "adjective" and (narrower := adjective_narrower_reading(index, text, hit.term_id)):
            # UBERON writes the adjective only for one part of the noun it stands for (alveolar)
            hit = FieldMatch(field, narrower, "normalized", CONFIDENCE["normalized_bag"], text, (), True, True)
            adjectival.add(hit.term_id)
        elif family == "adjective" and (
            conflicts := adjective_conflicts(index, text, hit.term_id)
            or (synonym_noun_readings(index, candidate, hit.term_id) if hit.via_synonym else set())
        ):
            # several organs, or a noun that is only a synonym of this term and heads other labels
            # (villous: intestinal or chorionic villus)
            readings = tuple(sorted({hit.term_id, *conflicts}))
            return FieldMatch(field, "", "ambiguous", 0.0, text, candidates=readings) if len(readings) > 1 else None
        elif family == "adjective":
            adjectival.add(hit.term_id)
        found[hit.term_id] = hit
    if not found and not unclear:
        # a label written without its organ adjective (vocal folds: laryngeal vocal fold)
        for label in labels_without_adjective(index, text):
            if (hit := direct(label)) is not None:
                found.setdefault(hit.term_id, hit)
    if not found:
        for candidate, organ in organ_parts(text, resolve, lambda term: tissue_names(index, term)):
            hit = direct(candidate)
            if hit is not None and index.is_ancestor(organ, hit.term_id):
                found.setdefault(hit.term_id, hit)
    if not found:
        # an organ adjective whose noun UBERON writes only inside compound names (palatal mucosa:
        # "palate mucosa" is a name of the mucosa of palate, "palate" alone names nothing)
        first, _, rest = text.partition(" ")
        for noun in adjective_nouns(first) if rest else ():
            if (hit := direct(f"{noun} {rest}")) is not None:
                found.setdefault(hit.term_id, hit)
    # Readings that nest (pharyngeal: the pharynx, or a pharyngeal gland inside it) give the term
    # that holds them all, true under every reading; unrelated readings are reported.
    covering = [t for t in found if all(t == other or index.is_ancestor(t, other) for other in found)]
    labelled = [t for t in found if t in adjectival and not found[t].via_synonym]
    if set(found) <= adjectival and len(labelled) == 1 and (not covering or found[covering[0]].via_synonym):
        # an adjective whose noun forms name one term by its label and the others only by synonyms
        # of another nomenclature (tonsillar: the tonsil; "tonsilla" is the paraflocculus in HXI), or
        # by a synonym of a whole holding it (meningeal: the meninx; "meninge" names the meninges)
        covering = labelled
    if not found and unclear:
        return FieldMatch(field, "", "ambiguous", 0.0, text, candidates=unclear[0].candidates)
    if not found and (paired := _latin_adjective_tissue(text, taxid, index, reads)) is not None:
        return FieldMatch(field, paired, "normalized", CONFIDENCE["normalized_bag"], text, (), False, True)
    if not covering:
        return FieldMatch(field, "", "ambiguous", 0.0, text, candidates=tuple(sorted(found))) if found else None
    hit = found[covering[0]]
    # Like a one-word ontology synonym, one word read as an adjective is not trusted inside longer
    # text ("cervical", "dorsal"); a noun re-spelled (hippocampi, cartilage) is.
    single = len(text.split()) == 1 and hit.term_id in adjectival
    return FieldMatch(field, hit.term_id, "normalized", CONFIDENCE["normalized_bag"], text, hit.implies, single, True)


_TISSUE_HEADS = frozenset({"tissue", "tissues"})


def _latin_adjective_tissue(
    text: str, taxid: int | None, index: OntologyIndex, reads: Callable[[str], FieldMatch | None]
) -> str | None:
    """``lingual tissue``, ``vesical tissue``: a Latin organ adjective whose stem is not the English
    noun (lingua, vesica), with "tissue" after it, is the one organ UBERON's name pairs give it
    (:func:`~.name_pairs.paired_organ`: lingual mucosa / mucosa of tongue …) — when the adjective
    reads as nothing by itself (an adjective with several readings, ``cortical``, stays reported)."""
    words = text.split()
    if len(words) != 2 or words[1].lower() not in _TISSUE_HEADS or not words[0].isalpha():
        return None
    organ = paired_organ(index, words[0])  # cheap: asked first, the adjective's own reading only then
    if organ is None or not in_lineage(organ, taxid):
        return None
    return organ if reads(words[0]) is None else None
