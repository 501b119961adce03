"""A piece of text → one term of one field by the names as written (rules 1-4 of :mod:`.match`).

Our curated table first, then the ontology's labels and exact synonyms (ignoring case), then the
normalized and bag-of-words forms. Only live terms in the field's scope count, never a generic root;
two terms answering the same name are reported as ambiguity (:class:`FieldMatch` with method
``ambiguous``), never picked. The spelling families and fuzzy matching build on this
(:mod:`.tissue_rewrite_match`, :mod:`.match`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rnacorpus.harmonize.ontology.collection_members import member_of_collection
from rnacorpus.harmonize.ontology.curated import HUMAN, MOUSE, curated_table
from rnacorpus.harmonize.ontology.index import Hit, OntologyIndex
from rnacorpus.harmonize.ontology.inverted_names import inverted_label
from rnacorpus.harmonize.ontology.name_pairs import synonym_noun_readings
from rnacorpus.harmonize.ontology.normalize import bag, norm
from rnacorpus.harmonize.ontology.species_tags import of_another_species

__all__ = [
    "CONFIDENCE",
    "FIELD_SCOPES",
    "GENERIC_TERMS",
    "FieldMatch",
    "abbreviation",
    "curated_match",
    "direct_match",
    "in_lineage",
    "lineage_words",
    "ontology_match",
    "shortened_label",
    "species_filter",
]

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


#: the word UBERON writes before the names of a lineage block's own terms ("insect wing disc", "insect
#: haltere disc": 215 labels of the FBbt block), which depositors of that lineage leave out
_LINEAGE_WORDS = {"UBERON:6": "insect"}


def lineage_words(taxid: int | None) -> list[str]:
    """The words UBERON writes before the labels of the named species' own lineage block (``insect``
    for a fly): a depositor of that species writes the name without it (``wing discs``). None for an
    unknown species: "adult brain" is a vertebrate's as well as the "insect adult brain"."""
    return [word for block, word in _LINEAGE_WORDS.items() if taxid is not None and taxid in _LINEAGE_BLOCKS[block]]


def in_lineage(term_id: str, taxid: int | None) -> bool:
    """False for a term of a lineage's own block (a Xenopus "bronchial tube", a teleost "radial bone")
    when the sample is of a named species outside that lineage; any term when the species is unknown."""
    taxa = _LINEAGE_BLOCKS.get(term_id[:8])
    return taxa is None or taxid is None or taxid in taxa


def species_filter(field: str, hits: list[Hit], taxid: int | None) -> list[Hit]:
    """Development stages: the species' own ontology, else UBERON's species-neutral stages; tissues:
    no term of another lineage's own anatomy block (:func:`in_lineage`)."""
    if field == "tissue":
        return [hit for hit in hits if in_lineage(hit.term_id, taxid)]
    if field != "development_stage":
        return hits
    prefix = _STAGE_PREFIX.get(taxid or 0, "UBERON:")
    return [hit for hit in hits if hit.term_id.startswith(prefix)]


def abbreviation(name: str) -> bool:
    return bool(_ABBREVIATION.match(name))


def _pick(field: str, hits: list[Hit], taxid: int | None, text: str, index: OntologyIndex) -> list[Hit]:
    """The hits to consider: labels before synonyms; more than one distinct term is ambiguity. A term
    filed as another species' own (:mod:`.species_tags`) is no hit."""
    hits = [hit for hit in species_filter(field, hits, taxid) if hit.term_id not in GENERIC_TERMS]
    hits = [hit for hit in hits if not of_another_species(index.label(hit.term_id), taxid)]
    hits = [hit for hit in hits if hit.kind == "label" or not abbreviation(hit.name) or hit.name == text]
    labels = [hit for hit in hits if hit.kind == "label"]
    return labels or hits


def _part_noun_readings(field: str, key: str, hit: Hit, index: OntologyIndex) -> set[str]:
    """Other readings of a one-word tissue synonym that heads labels of several unrelated structures
    (:func:`~.name_pairs.synonym_noun_readings`; not for abbreviations)."""
    if field != "tissue" or len(key.split()) != 1 or abbreviation(hit.name):
        return set()
    return synonym_noun_readings(index, key, hit.term_id)


def shortened_label(name: str, label: str | None) -> bool:
    """A one-word synonym that is its term's own label cut short: the label's first word, before the
    head noun or the "of …" that the depositor left out (``prostate`` → prostate gland, ``thyroid`` →
    thyroid gland, ``adrenal`` → adrenal gland, ``eyeball`` → eyeball of camera-type eye). Such a
    synonym is the organ's everyday name, not one of the ordinary words UBERON and MONDO also file as
    synonyms (the reason one-word synonyms are not trusted inside longer text), so it is trusted there
    (``PN001-Normal Human Prostate``, ``RIKEN full-length enriched, adult male eyeball``). General: a
    test on the synonym and the label alone, never a list of words; a synonym that is a later word of
    the label (``cortex`` of cerebral cortex) is the generic part and stays untrusted."""
    word = name.casefold()
    return label is not None and " " not in word and word.isalpha() and label.casefold().startswith(word + " ")


def respelled_label(name: str, label: str | None) -> bool:
    """A synonym that is its term's own label in another spelling (``cecum`` for caecum: UBERON files
    British labels and the American spellings as synonyms; the project's spelling normal form, which
    folds ae/oe to e, makes the two one). Such a synonym is the organ's everyday name, not an ordinary
    word the ontology also files, so it is trusted alone and inside longer text even when it heads the
    labels of other structures (future foramen cecum, hepatic cecum). General: a test on the synonym
    and the label alone, never a list of words."""
    return label is not None and name.casefold() != label.casefold() and norm(name) == norm(label)


def ontology_match(field: str, text: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    scopes = FIELD_SCOPES[field]
    attempts = (
        (text.casefold(), "casefold", None),
        (norm(text), "norm", "normalized"),
        (bag(text), "bag", "normalized_bag"),
    )
    for key, form, method in attempts:
        if not key:
            continue
        hits = _pick(field, index.lookup(key, form, scopes), taxid, text, index)
        if not hits:
            continue
        if len({h.term_id for h in hits}) > 1:
            # Two different terms answering the same name: reported, never picked.
            return FieldMatch(field, "", "ambiguous", 0.0, text, candidates=tuple(h.term_id for h in hits))
        hit = hits[0]
        if field == "tissue" and form == "casefold":
            # "lungs": a synonym of the pair of lungs; the organ sampled is the lung its singular labels
            member = member_of_collection(
                index, hit, lambda: _pick(field, index.lookup(norm(text), "norm", scopes), taxid, text, index)
            )
            if member is not None:
                return FieldMatch(field, member, "normalized", CONFIDENCE["normalized"], text, (), False, True)
        name_method = method or ("exact_label" if hit.kind == "label" else "exact_synonym")
        synonym = hit.kind == "exact_synonym"
        inverted = inverted_label(key, hit.term_id, index, scopes) if field == "tissue" and synonym else None
        if inverted is not None:  # "aortic arch": arch of aorta's label, not the embryo's arch artery
            return FieldMatch(field, inverted, "normalized", CONFIDENCE["normalized"], text, (), False, False)
        label = index.label(hit.term_id)
        everyday = field == "tissue" and (shortened_label(hit.name, label) or respelled_label(hit.name, label))
        single = synonym and (len(key.split()) == 1 or abbreviation(hit.name)) and not everyday
        # "fundus": a synonym of the eye's fundus, and the head of the stomach's, the uterus's and the
        # gallbladder's fundus labels — a part noun many organs have, reported
        others = _part_noun_readings(field, key, hit, index) if synonym and not everyday else set()
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


def curated_match(
    field: str, text: str, taxid: int | None, index: OntologyIndex, *, exact_only: bool
) -> FieldMatch | None:
    curated = curated_table().find(field, text, taxid, exact_only=exact_only)
    if curated is None or not index.exists(curated.term_id) or (exact_only and curated.whole_only):
        return None
    # A row read only as a whole value (``where`` = whole) is flagged like a one-word synonym: the phrase
    # scan trusts it only when the rest of the value is filler; the abbreviations-first pass skips it.
    return FieldMatch(
        field, curated.term_id, "curated", CONFIDENCE["curated"], text, curated.implies, curated.whole_only
    )


def direct_match(field: str, text: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """The text as written: our table, then the ontology's names (rules 1-4)."""
    return curated_match(field, text, taxid, index, exact_only=False) or ontology_match(field, text, taxid, index)
