"""A part word and an organ in one value: the part settled by the organ, or the organ kept.

Family: ``Atrium cDNA library Human heart`` — "atrium" alone names the cardiac atrium, the alveolar
atrium and the future cardiac atrium, so the phrase is reported as ambiguous and only "heart" is read;
but of those readings only the cardiac atrium is a part of the heart the value also names, so it is
the sample (``ventricle … heart``, ``cortex … kidney`` in the same way when UBERON's part-of closure
leaves one reading). General: a test on UBERON's part-of closure between the ambiguous word's own
candidates and the organs read in the value, never a list of words. Exactly one reading inside a
named organ is required; none or several leave the value as it was (the organ, or the ambiguity).

The second family (:func:`organ_over_generic_part`): a part UBERON names per organ (cortex, medulla,
mucosa, capsule, epithelium) written with an organ that has no such part in UBERON (``cortex,
liver``, ``medulla, liver``, ``mucosa, brain``): the generic part (the cortex of any organ) drops the
one thing the depositor said about the place, so the organ named is the answer, as ``Liver - Cortex``
already reads. The organ's own part, when UBERON has one (``cortex, kidney`` → cortex of kidney), is
found before (:mod:`.part_then_organ`). The organ may be named through a disease instead
(:func:`disease_organ_over_generic_part`: ``epithelial, ovarian carcinoma``, ``stroma of breast
carcinoma``): the tumour's site is where the generic part was taken, as a tumour phrase alone gives.

The fourth family (:func:`disease_site_within_organ`): an organ adjective written right before a disease
whose own name places it in a part of that organ (``uterine endometrial cancer``, ``uterine cervical
carcinoma``, ``renal pelvic tumour``): the scan reads the adjective as the organ and the disease phrase
as a whole, yet the two words name nested structures and the inner one says more about the place
(the endometrium). General: UBERON's closure between the organ read and the disease's site
(:func:`.implied.site_from_diseases`), never a list of words; the disease must follow the organ
word directly, and a metastasis keeps :mod:`.metastasis`'s reading.

The third family (:func:`tumour_compartment_organ`): a generic part written right after a tumour word
(``tumor endothelium from normal liver``, ``tumour stroma of the pancreas``, ``cancer epithelium,
colon``) is a compartment of the tumour, not the organ's own part of that name (the hepatic sinusoid
for the liver's endothelium): the one organ the value names beside it is the tissue sampled.
"""

from __future__ import annotations

from collections.abc import Sequence

from rnacorpus.harmonize.ontology.disease_sites import site_from_diseases
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import CONFIDENCE, FieldMatch
from rnacorpus.harmonize.ontology.mentions import Mention
from rnacorpus.harmonize.ontology.metastasis import names_metastasis
from rnacorpus.harmonize.ontology.name_pairs import organ_relative_part

__all__ = [
    "disease_organ_over_generic_part",
    "disease_site_within_organ",
    "organ_over_generic_part",
    "part_named_by_organ",
    "tumour_compartment_organ",
]


def part_named_by_organ(found: Sequence[Mention], unclear: Sequence[Mention], index: OntologyIndex) -> Mention | None:
    """The one reading of an ambiguous tissue mention (``unclear``) that is a part of every structure
    read in the same value (``found``), as a mention of its own; None when no or several readings
    qualify."""
    organs = {mention.match.term_id for mention in found}
    for mention in unclear:
        # inside every structure the value names: a reading beside a narrower one it is no part of
        # (segment … left upper lobe: the bronchopulmonary segment is the lung's, not the lobe's) is no answer
        within = {
            term
            for term in mention.match.candidates
            if organs and all(organ != term and index.is_ancestor(organ, term) for organ in organs)
        }
        if len(within) == 1:
            (term,) = within
            match = FieldMatch("tissue", term, "normalized", CONFIDENCE["normalized_bag"], mention.match.text)
            return Mention(match, mention.start, mention.stop, False)
    return None


def organ_over_generic_part(chosen: Mention, found: Sequence[Mention], index: OntologyIndex) -> Mention | None:
    """The one organ named beside ``chosen`` when ``chosen`` is a part UBERON names per organ read as
    its generic term (no organ's own part was found for it); None otherwise or when several other
    structures are named (a list says nothing about which one the part is of)."""
    if chosen.match.ambiguous or not organ_relative_part(index, chosen.match.term_id):
        return None
    others = {
        m.match.term_id: m
        for m in found
        if m.match.term_id != chosen.match.term_id
        and not m.match.ambiguous
        and not organ_relative_part(index, m.match.term_id)
        and not index.is_ancestor(m.match.term_id, chosen.match.term_id)
    }
    return next(iter(others.values())) if len(others) == 1 else None


def disease_organ_over_generic_part(
    chosen: Mention,
    found: Sequence[Mention],
    diseases: Sequence[Mention],
    tokens: list[str],
    taxid: int | None,
    index: OntologyIndex,
) -> tuple[str, str] | None:
    """The site of the diseases the value names (term, why) when ``chosen`` is the value's only tissue
    reading and a part UBERON names per organ read as its generic term; else None. Not for a metastasis
    (``Prostate cancer (Bone metastasis)``): the cancer's site is the primary's, not where the sample grew
    (:mod:`.metastasis`)."""
    if chosen.match.ambiguous or not diseases or any(m.match.term_id != chosen.match.term_id for m in found):
        return None
    if names_metastasis(tokens):
        return None
    if not organ_relative_part(index, chosen.match.term_id):
        return None
    site = site_from_diseases([m.match for m in diseases], taxid, index)
    if site is None or index.is_ancestor(chosen.match.term_id, site[0]):
        return None
    return site[0], f"{chosen.match.text!r} of the organ the named disease is sited in: {site[1]}"


def tumour_compartment_organ(
    found: Sequence[Mention], diseases: Sequence[Mention], index: OntologyIndex
) -> Mention | None:
    """The one organ named in the value when one of its tissue phrases is a part UBERON names per organ
    written right after a disease phrase (``tumor endothelium from normal liver``: see the module); None
    otherwise, or when several organs are named."""
    ends = {m.stop for m in diseases}
    parts = [m for m in found if m.start in ends and organ_relative_part(index, m.match.term_id)]
    if not parts:
        return None
    organs = {
        m.match.term_id: m
        for m in found
        if m not in parts and not m.match.ambiguous and not organ_relative_part(index, m.match.term_id)
    }
    return next(iter(organs.values())) if len(organs) == 1 else None


def disease_site_within_organ(
    chosen: Mention,
    found: Sequence[Mention],
    diseases: Sequence[Mention],
    tokens: list[str],
    taxid: int | None,
    index: OntologyIndex,
) -> tuple[str, str] | None:
    """The site of the disease written right after ``chosen`` (term, why) when that site is a part of
    ``chosen``'s term and ``chosen`` is the value's only tissue reading (see the module); else None."""
    if chosen.match.ambiguous or any(m.match.term_id != chosen.match.term_id for m in found):
        return None
    following = [m for m in diseases if m.start == chosen.stop and not m.match.ambiguous]
    if not following or names_metastasis(tokens):
        return None
    site = site_from_diseases([following[0].match], taxid, index)
    if site is None or not index.is_ancestor(chosen.match.term_id, site[0]):
        return None
    return site[0], f"{following[0].match.text!r} is sited in a part of {chosen.match.text!r}: {site[1]}"
