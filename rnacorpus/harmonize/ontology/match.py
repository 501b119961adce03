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
from dataclasses import dataclass

from rnacorpus.harmonize.memo import memoize
from rnacorpus.harmonize.ontology.brodmann import brodmann_rewrites
from rnacorpus.harmonize.ontology.cavity_fluids import cavity_rewrites
from rnacorpus.harmonize.ontology.collection_members import member_of_collection
from rnacorpus.harmonize.ontology.curated import HUMAN, MOUSE, curated_table
from rnacorpus.harmonize.ontology.dropped_adjective import labels_without_adjective
from rnacorpus.harmonize.ontology.fat_depots import ADIPOSE_TISSUE, depot_rewrites
from rnacorpus.harmonize.ontology.index import Hit, OntologyIndex, get_index, is_process_index
from rnacorpus.harmonize.ontology.normalize import bag, clean, norm
from rnacorpus.harmonize.ontology.tissue_forms import (
    adjective_conflicts,
    adjective_narrower_reading,
    adjective_nouns,
    organ_parts,
    paired_organ,
    sided_names,
    synonym_noun_readings,
    tissue_names,
    tissue_rewrites,
)

__all__ = ["CONFIDENCE", "FIELD_SCOPES", "GENERIC_TERMS", "FieldMatch", "in_lineage", "match_text"]

FIELD_SCOPES: dict[str, tuple[str, ...]] = {
    "tissue": ("tissue",),
    "cell_type": ("cell_type",),
    "disease": ("disease",),
    "sex": ("sex",),
    "development_stage": ("stage",),
    "assay": ("assay",),
}
#: confidence per method; partial (phrase-in-value) matches are scaled down by the caller
CONFIDENCE = {
    "curated": 0.95,
    "exact_label": 1.0,
    "exact_synonym": 0.95,
    "normalized": 0.9,
    "normalized_bag": 0.85,
    "fuzzy": 0.7,
}
#: roots too generic to say anything about a sample
GENERIC_TERMS = frozenset(
    {
        "CL:0000000",  # cell
        "CL:0000003",  # native cell
        "CL:0000010",  # cultured cell
        "CL:0000255",  # eukaryotic cell
        "CL:0000548",  # animal cell
        "UBERON:0000479",  # tissue
        "UBERON:0000062",  # organ
        "UBERON:0000061",  # anatomical structure
        "UBERON:0001062",  # anatomical entity
        "UBERON:0000465",  # material anatomical entity
        "UBERON:0000105",  # life cycle stage
        "MONDO:0000001",  # disease
        "HsapDv:0000000",  # life cycle stage
        "MmusDv:0000000",  # life cycle stage
    }
)
_STAGE_PREFIX = {HUMAN: "HsapDv:", MOUSE: "MmusDv:"}
# An ontology synonym written as a short capitalized abbreviation (ALL, AD, TS22): other words share
# these letters ("all samples"), so they match only when spelled exactly so.
_ABBREVIATION = re.compile(r"^(?=.*[A-Z].*[A-Z]|.*\d)[A-Z0-9][A-Za-z0-9-]{0,5}$")


@dataclass(frozen=True)
class FieldMatch:
    field: str
    term_id: str
    method: str
    confidence: float
    text: str
    implies: tuple[tuple[str, str], ...] = ()
    #: True when the ontology name was a single word synonym (risky inside longer text)
    single_word_synonym: bool = False
    #: True when an ontology synonym (not a label, not our table) or a rewrite of the text made the match
    via_synonym: bool = False
    #: for method "ambiguous": the terms that share the name (term_id is then empty)
    candidates: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.method == "ambiguous"


#: UBERON's ID blocks imported from one lineage's anatomy ontology (2: teleost TAO, 3: amphibian AAO,
#: 6: insect FBbt), with the taxa of those lineages in our taxon table; other blocks are shared
_LINEAGE_BLOCKS = {
    "UBERON:2": frozenset({7955, 8019, 8022, 8030, 8090}),
    "UBERON:3": frozenset({8355, 8364}),
    "UBERON:6": frozenset({7227, 7460, 7165, 7159}),
}


def in_lineage(term_id: str, taxid: int | None) -> bool:
    """False for a term of a lineage's own block (a Xenopus "bronchial tube", a teleost "radial bone")
    when the sample is of a named species outside that lineage; any term when the species is unknown."""
    taxa = _LINEAGE_BLOCKS.get(term_id[:8])
    return taxa is None or taxid is None or taxid in taxa


def _species_filter(field: str, hits: list[Hit], taxid: int | None) -> list[Hit]:
    """Development stages: the species' own ontology, else UBERON's species-neutral stages; tissues:
    no term of another lineage's own anatomy block (:func:`in_lineage`)."""
    if field == "tissue":
        return [hit for hit in hits if in_lineage(hit.term_id, taxid)]
    if field != "development_stage":
        return hits
    prefix = _STAGE_PREFIX.get(taxid or 0, "UBERON:")
    return [hit for hit in hits if hit.term_id.startswith(prefix)]


def _abbreviation(name: str) -> bool:
    return bool(_ABBREVIATION.match(name))


def _pick(field: str, hits: list[Hit], taxid: int | None, text: str) -> list[Hit]:
    """The hits to consider: labels before synonyms; more than one distinct term is ambiguity."""
    hits = [hit for hit in _species_filter(field, hits, taxid) if hit.term_id not in GENERIC_TERMS]
    hits = [hit for hit in hits if hit.kind == "label" or not _abbreviation(hit.name) or hit.name == text]
    labels = [hit for hit in hits if hit.kind == "label"]
    return labels or hits


def _part_noun_readings(field: str, key: str, hit: Hit, index: OntologyIndex) -> set[str]:
    """Other readings of a one-word tissue synonym that heads labels of several unrelated structures
    (:func:`~.tissue_forms.synonym_noun_readings`; not for abbreviations)."""
    if field != "tissue" or len(key.split()) != 1 or _abbreviation(hit.name):
        return set()
    return synonym_noun_readings(index, key, hit.term_id)


def _ontology_match(field: str, text: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    scopes = FIELD_SCOPES[field]
    attempts = (
        (text.casefold(), "casefold", None),
        (norm(text), "norm", "normalized"),
        (bag(text), "bag", "normalized_bag"),
    )
    for key, form, method in attempts:
        if not key:
            continue
        hits = _pick(field, index.lookup(key, form, scopes), taxid, text)
        if not hits:
            continue
        if len({h.term_id for h in hits}) > 1:
            # Two different terms answering the same name: reported, never picked.
            return FieldMatch(field, "", "ambiguous", 0.0, text, candidates=tuple(h.term_id for h in hits))
        hit = hits[0]
        if field == "tissue" and form == "casefold":
            # "lungs": a synonym of the pair of lungs; the organ sampled is the lung its singular labels
            member = member_of_collection(
                index, hit, lambda: _pick(field, index.lookup(norm(text), "norm", scopes), taxid, text)
            )
            if member is not None:
                return FieldMatch(field, member, "normalized", CONFIDENCE["normalized"], text, (), False, True)
        name_method = method or ("exact_label" if hit.kind == "label" else "exact_synonym")
        synonym = hit.kind == "exact_synonym"
        single = synonym and (len(key.split()) == 1 or _abbreviation(hit.name))
        # "fundus": a synonym of the eye's fundus, and the head of the stomach's, the uterus's and the
        # gallbladder's fundus labels — a part noun many organs have, reported
        others = _part_noun_readings(field, key, hit, index) if synonym else set()
        if others:
            return FieldMatch(field, "", "ambiguous", 0.0, text, candidates=tuple(sorted({hit.term_id, *others})))
        return FieldMatch(
            field,
            hit.term_id,
            name_method.replace("_bag", ""),
            CONFIDENCE[name_method],
            text,
            (),
            single,
            synonym,
        )
    return None


def _curated(field: str, text: str, taxid: int | None, index: OntologyIndex, *, exact_only: bool) -> FieldMatch | None:
    curated = curated_table().find(field, text, taxid, exact_only=exact_only)
    if curated is not None and index.exists(curated.term_id):
        return FieldMatch(field, curated.term_id, "curated", CONFIDENCE["curated"], text, curated.implies)
    return None


def _direct(field: str, text: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """The text as written: our table, then the ontology's names (rules 1-4)."""
    return _curated(field, text, taxid, index, exact_only=False) or _ontology_match(field, text, taxid, index)


def _rewritten(field: str, text: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """A tissue spelling the ontology writes otherwise (:mod:`.tissue_forms`): every rewrite goes
    through the direct rules; one term among all answers is the match, several are reported as
    ambiguity unless one of them holds the others. Rewrites of one word are not trusted inside longer
    text (``single_word_synonym``)."""
    found: dict[str, FieldMatch] = {}
    adjectival: set[str] = set()  # terms reached only by reading a word as an adjective

    unclear: list[FieldMatch] = []  # whole-value rewrites naming several terms: reported if nothing is found
    depots: set[str] = set()  # fat depots named by the adjective as written

    def direct(candidate: str, *, whole: bool = False) -> FieldMatch | None:
        hit = _direct(field, candidate, taxid, index)
        if whole and hit is not None and hit.ambiguous:
            unclear.append(hit)
        return None if hit is None or hit.ambiguous or hit.term_id in GENERIC_TERMS else hit

    def resolve(part: str) -> str | None:
        hit = direct(part)
        if hit is None and len(part.split()) == 1 and _direct(field, part, taxid, index) is None:
            # a Latin organ adjective UBERON pairs with one organ (vesical wall: the bladder's wall)
            return paired_organ(index, part)
        return hit.term_id if hit is not None else None

    sided = ((name, "sided") for name in sided_names(text, resolve, lambda term: tissue_names(index, term)))
    candidates = [*tissue_rewrites(text), *sided, *((name, "cavity") for name in cavity_rewrites(text))]
    candidates += [(name, "brodmann") for name in brodmann_rewrites(text)]
    candidates += list(depot_rewrites(text))
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
    if not found and (paired := _latin_adjective_tissue(text, taxid, index)) is not None:
        return FieldMatch(field, paired, "normalized", CONFIDENCE["normalized_bag"], text, (), False, True)
    if not covering:
        return FieldMatch(field, "", "ambiguous", 0.0, text, candidates=tuple(sorted(found))) if found else None
    hit = found[covering[0]]
    # Like a one-word ontology synonym, one word read as an adjective is not trusted inside longer
    # text ("cervical", "dorsal"); a noun re-spelled (hippocampi, cartilage) is.
    single = len(text.split()) == 1 and hit.term_id in adjectival
    return FieldMatch(field, hit.term_id, "normalized", CONFIDENCE["normalized_bag"], text, hit.implies, single, True)


_TISSUE_HEADS = frozenset({"tissue", "tissues"})


def _latin_adjective_tissue(text: str, taxid: int | None, index: OntologyIndex) -> str | None:
    """``lingual tissue``, ``vesical tissue``: a Latin organ adjective whose stem is not the English
    noun (lingua, vesica), with "tissue" after it, is the one organ UBERON's name pairs give it
    (:func:`~.tissue_forms.paired_organ`: lingual mucosa / mucosa of tongue …) — when the adjective
    reads as nothing by itself (an adjective with several readings, ``cortical``, stays reported)."""
    words = text.split()
    if len(words) != 2 or words[1].lower() not in _TISSUE_HEADS or not words[0].isalpha():
        return None
    organ = paired_organ(index, words[0])  # cheap: asked first, the adjective's own reading only then
    if organ is None or not in_lineage(organ, taxid):
        return None
    return organ if match_text("tissue", words[0], taxid=taxid, fuzzy=False, index=index) is None else None


_EPONYM = re.compile(r"^[A-Z][a-zà-ÿ]{3,}(?:['’]?s)?$")
_EPONYM_HEADS = ("disease", "syndrome")


def _eponym(field: str, text: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """A capitalized name alone under a disease key (``Huntingtons``, ``Sjogren``, ``Crohn's``) is the
    one "<name> disease" / "<name> syndrome" term MONDO has; none when both or neither exist, or
    when the word is an organ ("Heart" is not heart disease)."""
    if field != "disease" or not _EPONYM.match(text) or _ontology_match("tissue", text, taxid, index):
        return None
    found = [_ontology_match(field, f"{text} {head}", taxid, index) for head in _EPONYM_HEADS]
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
        return _curated(field, text, taxid, index, exact_only=True)
    found = _direct(field, text, taxid, index)
    if found is None and eponyms:
        found = _eponym(field, text, taxid, index)
    if found is None and rewrites and field == "tissue":
        found = _rewritten(field, text, taxid, index)
    if found is not None or not fuzzy:
        return found
    for scope in FIELD_SCOPES[field]:
        best = index.fuzzy(norm(text), scope)
        if best is not None and best[0] not in GENERIC_TERMS:
            if not _species_filter(field, [Hit(best[0], "label")], taxid):
                continue
            return FieldMatch(field, best[0], "fuzzy", round(CONFIDENCE["fuzzy"] * best[1] / 100, 3), text)
    return None
