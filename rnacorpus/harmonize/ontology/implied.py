"""Tissues a value implies without naming them: where a named cell type comes from, the site of a
named disease. :mod:`.freetext` asks these only for a field the value does not name itself."""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.curated import cell_origins
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import GENERIC_TERMS, FieldMatch, match_text
from rnacorpus.harmonize.ontology.mentions import find_mentions

__all__ = ["cell_origin", "site_from_disease"]


def site_from_disease(disease: FieldMatch, taxid: int | None, index: OntologyIndex) -> tuple[str, str] | None:
    """(tissue term, why) for a disease: a curated implication, else an organ word in its name."""
    for field_name, term_id in disease.implies:
        if field_name == "tissue":
            return term_id, f"implied by {disease.text!r}"
    label = index.label(disease.term_id) or ""
    for text in (disease.text, label):
        found = find_mentions(text, ("tissue",), taxid, index, rewrites=False).for_field("tissue")
        # Only organ words we trust out of context: labels and our adjectives, not synonyms (ALL, AD …).
        sites = [m for m in found if not m.match.via_synonym]
        if sites:
            return sites[0].match.term_id, f"organ named in {text!r}"
    return _organ_word_in_disease(disease, label, taxid, index)


_ORGAN_WORD = re.compile(r"^[A-Za-z][a-z]{4,}$")


def _organ_word_in_disease(
    disease: FieldMatch, label: str, taxid: int | None, index: OntologyIndex
) -> tuple[str, str] | None:
    """(tissue, why) when the depositor's disease phrase and the disease's own label share one word that
    names one organ by an exact synonym: the family of tumour and cancer phrases naming the organ by its
    common one-word name (``prostate tumor``: prostate = prostate gland, in *prostate* neoplasm;
    ``thyroid cancer``). One-word synonyms are not trusted alone (many are ordinary words); a word both
    texts use for the same disease is. Abbreviations (capitals) never count; two organs, none."""
    label_words = {word.lower() for word in re.findall(r"[A-Za-z]+", label)}
    organs: dict[str, str] = {}
    for word in re.findall(r"[A-Za-z]+", disease.text):
        if not _ORGAN_WORD.match(word) or word.lower() not in label_words:
            continue
        found = match_text("tissue", word.lower(), taxid=taxid, fuzzy=False, rewrites=False, index=index)
        if found is not None and not found.ambiguous and found.term_id not in GENERIC_TERMS:
            organs.setdefault(found.term_id, word)
    if len(organs) != 1:
        return None
    term_id, word = next(iter(organs.items()))
    return term_id, f"organ word {word!r} in {disease.text!r} and in the disease {label!r}"


def cell_origin(cell: FieldMatch, taxid: int | None, index: OntologyIndex) -> tuple[str, str, float] | None:
    """(tissue, why, confidence) a named cell type implies, first that applies:

    1. our table's implication for the name (PBMC → blood, HUVEC → umbilical vein);
    2. the reviewed origin of the CL term or of its nearest listed ancestor (hepatocyte → liver;
       CL's own part_of links would serve here, but the pinned CL release does not ship them);
    3. an organ the CL label itself names (``bronchial epithelial cell``, ``fibroblast of dermis``),
       by labels and our adjectives only.
    """
    for field_name, term_id in cell.implies:
        if field_name == "tissue":
            return term_id, f"implied by {cell.text!r}", 0.8
    origins = cell_origins()
    ancestry = sorted(index.ancestors(cell.term_id).items(), key=lambda item: (item[1], item[0]))
    listed = next((term for term, _ in ancestry if term in origins), None)
    if listed is not None:
        return origins[listed][0], f"{index.label(listed)} cells come from it", 0.75
    label = index.label(cell.term_id) or ""
    found = find_mentions(label, ("tissue",), taxid, index, rewrites=False).for_field("tissue")
    sites = [m for m in found if not m.match.via_synonym]
    if sites:
        return sites[0].match.term_id, f"organ named in the cell type {label!r}", 0.75
    return None
