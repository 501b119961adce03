"""Tissues a named disease implies (method ``disease_site``): the site a curated row gives a disease, an
organ word in the disease's name, or the organ word the depositor's phrase shares with MONDO's label.
MONDO's own classes decide whether a structure word in a name is the disease's site (``fatty liver``)
or a growth named for what it resembles (``hydatidiform mole``, ``yolk sac tumor``). :mod:`.freetext`
and its readers ask these only for a field the value does not name itself."""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import GENERIC_TERMS, FieldMatch, match_text
from rnacorpus.harmonize.ontology.mentions import Mention, find_mentions

__all__ = ["site_from_disease", "site_from_diseases"]

_ORGAN = "UBERON:0000062"
#: "disease by body system or component": a MONDO grouping naming any structure's system, no site
_ANY_STRUCTURE = GENERIC_TERMS | {"UBERON:0000467"}


def site_from_disease(disease: FieldMatch, taxid: int | None, index: OntologyIndex) -> tuple[str, str] | None:
    """(tissue term, why) for a disease: a curated implication, else an organ word in its name."""
    for field_name, term_id in disease.implies:
        if field_name == "tissue":
            return term_id, f"implied by {disease.text!r}"
    label = index.label(disease.term_id) or ""
    for text in (disease.text, label):
        mentions = find_mentions(text, ("tissue",), taxid, index, rewrites=False)
        # Only organ words we trust out of context: labels and our adjectives, not synonyms (ALL, AD …).
        sites = [
            m
            for m in mentions.for_field("tissue")
            if not m.match.via_synonym and not _names_a_cell_kind(m, mentions.tokens, index)
        ]
        if sites and _lesion_named(sites[0], len(mentions.tokens), disease.term_id, taxid, index):
            return None
        if sites:
            return sites[0].match.term_id, f"organ named in {text!r}"
    return _organ_word_in_disease(disease, label, taxid, index)


def _names_a_cell_kind(site: Mention, tokens: list[str], index: OntologyIndex) -> bool:
    """The family of disease names that name the cells a tumour is of by a word before "cell" (``plasma
    cell myeloma``, ``mantle cell lymphoma``): the word is part of a cell kind's name, no site, unless it
    reads as an organ (``renal cell carcinoma``: the kidney)."""
    after = tokens[site.stop] if site.stop < len(tokens) else ""
    return _cell_kind_word(after, site.match.term_id, index)


def _cell_kind_word(next_word: str, term_id: str, index: OntologyIndex) -> bool:
    """A structure word followed by "cell(s)" that is no organ: part of a cell kind's name."""
    return next_word.lower() in {"cell", "cells"} and not index.is_ancestor(_ORGAN, term_id)


def _lesion_named(site: Mention, words: int, disease_term: str, taxid: int | None, index: OntologyIndex) -> bool:
    """The family of disease names whose structure word is no site of the disease: a growth named by a
    structure's word as its head (``hydatidiform mole`` is no skin mole), a tumour named for the tissue
    it resembles (``yolk sac tumor`` grows in the gonads), a life-stage word read as a structure
    (``juvenile`` myelomonocytic leukemia). MONDO settles it: the word gives the site only when the
    disease is classed under a disorder of that structure (:func:`_classed_under`: ``fatty liver`` →
    liver disorder, ``Barrett esophagus`` → esophageal disorder, ``prostate tumor`` → prostate
    neoplasm). A name read whole as a structure's stays a site (``pleural mesothelioma``: UBERON's
    name of the pleural mesothelium)."""
    if site.start == 0 and site.stop == words:
        return False
    return not _classed_under(site.match.term_id, disease_term, taxid, index)


def _classed_under(term: str, disease_term: str, taxid: int | None, index: OntologyIndex) -> bool:
    """MONDO classes the disease under a disorder of ``term`` or of a structure holding it: a proper
    ancestor's label names the structure as a modifier of its head (``liver disorder``, ``adrenal gland
    cancer`` for the adrenal cortex), where a broader kind of the lesion keeps the word as its own head
    (``hydatidiform mole``) and a grouping "by body system" names no structure."""
    for ancestor in index.ancestors(disease_term):
        if ancestor == disease_term or not ancestor.startswith("MONDO:"):
            continue
        found = find_mentions(index.label(ancestor) or "", ("tissue",), taxid, index, rewrites=False)
        for mention in found.for_field("tissue"):
            named = mention.match.term_id
            if mention.stop < len(found.tokens) and (
                named == term or (index.is_ancestor(named, term) and named not in _ANY_STRUCTURE)
            ):
                return True
    return False


def site_from_diseases(diseases: list[FieldMatch], taxid: int | None, index: OntologyIndex) -> tuple[str, str] | None:
    """The site of the first disease (:func:`site_from_disease`); when it names no organ (``low-grade
    glioma``), the one site the other diseases the value names give (``brain tumor``); two different
    sites among those give none (precision before recall)."""
    if not diseases:
        return None
    first = site_from_disease(diseases[0], taxid, index)
    if first is not None:
        return first
    sites: dict[str, tuple[str, str]] = {}
    for disease in diseases[1:]:
        site = site_from_disease(disease, taxid, index)
        if site is not None:
            sites.setdefault(site[0], site)
    return next(iter(sites.values())) if len(sites) == 1 else None


_ORGAN_WORD = re.compile(r"^[A-Za-z][a-z]{4,}$")


def _organ_word_in_disease(
    disease: FieldMatch, label: str, taxid: int | None, index: OntologyIndex
) -> tuple[str, str] | None:
    """(tissue, why) when the depositor's disease phrase and the disease's own label share one word that
    names one organ by an exact synonym: the family of tumour and cancer phrases naming the organ by its
    common one-word name (``prostate tumor``: prostate = prostate gland, in *prostate* neoplasm;
    ``thyroid cancer``). One-word synonyms are not trusted alone (many are ordinary words); a word both
    texts use for the same disease is. A word with several readings (``cervical``: cervix or neck) is
    the one reading MONDO classes the disease under (:func:`_settled`). Abbreviations (capitals) never
    count; two organs, none."""
    label_words = {word.lower() for word in re.findall(r"[A-Za-z]+", label)}
    organs: dict[str, str] = {}
    shouted = disease.text.isupper()  # PROSTATE CANCER: in an all-capitals value, capitals mark no abbreviation
    words = re.findall(r"[A-Za-z]+", disease.text)
    for at, word in enumerate(words):
        if not _ORGAN_WORD.match(word.capitalize() if shouted else word) or word.lower() not in label_words:
            continue
        found = match_text("tissue", word.lower(), taxid=taxid, fuzzy=False, rewrites=False, index=index)
        if found is None:  # an adjective with several organs (cervical) is read only through its rewrites
            found = match_text("tissue", word.lower(), taxid=taxid, fuzzy=False, index=index)
            found = found if found is not None and found.ambiguous else None
        term_id = _settled(found, disease.term_id, taxid, index) if found is not None and found.ambiguous else None
        if found is None or (found.ambiguous and term_id is None) or found.term_id in GENERIC_TERMS:
            continue
        term_id = term_id or found.term_id
        if not _cell_kind_word(words[at + 1] if at + 1 < len(words) else "", term_id, index):
            organs.setdefault(term_id, word)
    if len(organs) != 1:
        return None
    term_id, word = next(iter(organs.items()))
    if not _classed_under(term_id, disease.term_id, taxid, index):  # see _lesion_named
        return None
    return term_id, f"organ word {word!r} in {disease.text!r} and in the disease {label!r}"


def _settled(found: FieldMatch, disease_term: str, taxid: int | None, index: OntologyIndex) -> str | None:
    """The one reading of an organ word with several (``cervical``: uterine cervix, neck) that MONDO
    classes the disease under a disorder of (cervical cancer → uterine cervix neoplasm), else None."""
    readings = [
        term
        for term in found.candidates
        if term not in GENERIC_TERMS and _classed_under(term, disease_term, taxid, index)
    ]
    return readings[0] if len(readings) == 1 else None
