"""One piece of text → one term of one field, by the rule order of the issue.

Rules, first that succeeds wins; each match records its rule as ``method``:

1. ``curated``        the project table (``data/curated_terms.tsv``), exact-case abbreviations first;
2. ``exact_label``    the text equals a term label, ignoring case;
3. ``exact_synonym``  the text equals an exact synonym, ignoring case;
4. ``normalized``     equal after normalization (spelling, plurals, punctuation, marker signs), then
                      equal as a bag of words (word order free);
5. ``fuzzy``          rapidfuzz ratio ≥ 90 on the normalized text, unique best term, same numbers.

Only live (undeprecated) terms in the field's scope are candidates: tissue = UBERON anatomy,
cell_type = CL, disease = MONDO diseases + PATO normal, sex = PATO sexes, development_stage =
HsapDv / MmusDv / UBERON stages (the species' own ontology first), assay = EFO processes.
Very generic terms (cell, tissue, organ, disease) never count as a match.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rnacorpus.harmonize.memo import memoize
from rnacorpus.harmonize.ontology.direct_match import (
    CONFIDENCE,
    FIELD_SCOPES,
    GENERIC_TERMS,
    FieldMatch,
    curated_match,
    direct_match,
    in_lineage,
    ontology_match,
    species_filter,
)
from rnacorpus.harmonize.ontology.index import Hit, OntologyIndex, get_index, is_process_index
from rnacorpus.harmonize.ontology.normalize import clean, norm
from rnacorpus.harmonize.ontology.tissue_rewrite_match import rewritten_match
from rnacorpus.harmonize.ontology.transmitter_kinds import transmitter_rewrites

__all__ = ["CONFIDENCE", "FIELD_SCOPES", "GENERIC_TERMS", "FieldMatch", "in_lineage", "match_text"]

_EPONYM = re.compile(r"^[A-Z][a-zà-ÿ]{3,}(?:['’]?s)?$")
_EPONYM_HEADS = ("disease", "syndrome")


def _eponym(field: str, text: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """A capitalized name alone under a disease key (``Huntingtons``, ``Sjogren``, ``Crohn's``) is the
    one "<name> disease" / "<name> syndrome" term MONDO has; none when both or neither exist, or
    when the word is an organ ("Heart" is not heart disease)."""
    if field != "disease" or not _EPONYM.match(text) or ontology_match("tissue", text, taxid, index):
        return None
    found = [ontology_match(field, f"{text} {head}", taxid, index) for head in _EPONYM_HEADS]
    terms = {match.term_id for match in found if match is not None and not match.ambiguous}
    if len(terms) != 1:
        return None
    return FieldMatch(field, terms.pop(), "normalized", CONFIDENCE["normalized_bag"], text)


def match_text(
    field: str,
    text: str,
    *,
    taxid: int | None = None,
    fuzzy: bool = True,
    abbreviations_only: bool = False,
    eponyms: bool = False,
    rewrites: bool = True,
    index: OntologyIndex | None = None,
) -> FieldMatch | None:
    """The term for ``text`` in ``field`` by the rule order above, or None.

    ``abbreviations_only``: just our exact-case abbreviations (ALL, HCC …), which callers try across
    all fields before anything else. ``eponyms``: a name alone may stand for its disease (whole
    values only). ``rewrites``: other tissue spellings (:mod:`.tissue_forms`) are tried — callers
    scanning phrases inside a longer value turn them off, so a rewritten phrase never hides a shorter
    name the ontology lists. Memoized per argument tuple with the process-wide index.
    """
    if is_process_index(index):
        return _match_memoized(field, text, taxid, fuzzy, abbreviations_only, eponyms, rewrites)
    assert index is not None
    return _match(field, text, taxid, fuzzy, abbreviations_only, eponyms, rewrites, index)


@memoize(maxsize=1 << 17)
def _match_memoized(
    field: str, text: str, taxid: int | None, fuzzy: bool, abbreviations_only: bool, eponyms: bool, rewrites: bool
) -> FieldMatch | None:
    return _match(field, text, taxid, fuzzy, abbreviations_only, eponyms, rewrites, get_index())


def _match(
    field: str,
    text: str,
    taxid: int | None,
    fuzzy: bool,
    abbreviations_only: bool,
    eponyms: bool,
    rewrites: bool,
    index: OntologyIndex,
) -> FieldMatch | None:
    text = clean(text)
    if not text or field not in FIELD_SCOPES:
        return None
    if abbreviations_only:
        return curated_match(field, text, taxid, index, exact_only=True)
    found = direct_match(field, text, taxid, index)
    if found is None and eponyms:
        found = _eponym(field, text, taxid, index)
    if found is None and rewrites and field == "tissue":
        found = rewritten_match(
            field, text, taxid, index, lambda word: match_text("tissue", word, taxid=taxid, fuzzy=False, index=index)
        )
    if found is None and field == "cell_type":
        # "dopamine neurons": CL names the kind by the transmitter's adjective (dopaminergic neuron)
        hit = next(
            filter(None, (direct_match(field, other, taxid, index) for other in transmitter_rewrites(text, index))),
            None,
        )
        if hit is not None and not hit.ambiguous:
            found = replace(hit, method="normalized", confidence=CONFIDENCE["normalized"], text=text)
    if found is not None or not fuzzy:
        return found
    for scope in FIELD_SCOPES[field]:
        best = index.fuzzy(norm(text), scope)
        if best is not None and best[0] not in GENERIC_TERMS:
            if not species_filter(field, [Hit(best[0], "label")], taxid):
                continue
            return FieldMatch(field, best[0], "fuzzy", round(CONFIDENCE["fuzzy"] * best[1] / 100, 3), text)
    return None
