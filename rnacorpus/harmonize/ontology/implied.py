"""Tissues a value implies without naming them: where a named cell type comes from (the site of a named
disease is :mod:`.disease_sites`). :mod:`.freetext` asks these only for a field the value does not name
itself."""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.curated import cell_origins
from rnacorpus.harmonize.ontology.fat_depots import ADIPOSE_TISSUE, depot_rewrites
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import GENERIC_TERMS, FieldMatch, match_text
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions, find_mentions
from rnacorpus.harmonize.ontology.name_pairs import tissue_names
from rnacorpus.harmonize.ontology.normalize import norm

__all__ = [
    "cell_origin",
    "life_stage_word",
    "organ_in_cell_name",
    "organ_of_layer",
    "origin_named_with",
    "origin_of_source_cells",
    "origin_word",
]

#: words that join a cell kind to its organ ("smooth muscle cell *of* bladder")
_JOINING = frozenset({"of", "the"})
_PORTION_OF_TISSUE, _ORGAN = "UBERON:0000479", "UBERON:0000062"
#: "cell" and "eukaryotic cell": every cell is one, so a CL label composed with them ("interstitial cell")
#: names a kind of cell, not an organ plus a cell kind
_ANY_CELL = frozenset({"CL:0000000", "CL:0000255"})
_CELL_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: a CL label naming where its kind developed ("thymus-derived", "neural crest derived")
_DEVELOPED_IN = re.compile(r"[a-z][- ]derived\b", re.IGNORECASE)
#: hematopoietic cell: the free cells a serous cavity is washed for (macrophages, B cells, mast cells)
_BLOOD_LINEAGE = "CL:0000988"
#: serous membrane: the peritoneum and pleura line a cavity free cells are washed from (not the marrow)
_SEROUS_MEMBRANE = "UBERON:0000042"


def cell_origin(cell: FieldMatch, taxid: int | None, index: OntologyIndex) -> tuple[str, str, float] | None:
    """(tissue, why, confidence) a named cell type implies, first that applies:

    1. our table's implication for the name (PBMC → blood, HUVEC → umbilical vein);
    2. the reviewed origin of the CL term itself (hepatocyte → liver; CL's own part_of links would
       serve here, but the pinned CL release does not ship them);
    3. the reviewed origin of the nearest listed ancestor narrowed to the kind or part of it the cell's
       own words name (``subcutaneous adipocyte``: adipocytes come from adipose tissue → subcutaneous
       adipose tissue; ``omental adipocytes`` → omental fat pad; :func:`_narrowed_origin`);
    4. the organ CL's label composes with an ancestor's label (:func:`organ_in_cell_name`:
       ``aortic smooth muscle cell``, ``smooth muscle cell of bladder``);
    5. the reviewed origin of the nearest listed ancestor;
    6. an organ the CL label itself names (``bronchial epithelial cell``, ``fibroblast of dermis``),
       by labels and our adjectives only — when the cell type was read through a synonym, only if that
       synonym is the label shortened or names the organ itself (:func:`_written`: ``blastomere cell``
       is CL's "blastoderm cell", but names no blastoderm). 4 and 6 skip a label naming where the kind
       developed (``naive thymus-derived CD8-positive T cell``, ``neural crest derived neuron``).
    """
    for field_name, term_id in cell.implies:
        if field_name == "tissue":
            return term_id, f"implied by {cell.text!r}", 0.8
    origins = cell_origins()
    if cell.term_id in origins:
        return origins[cell.term_id][0], f"{index.label(cell.term_id)} cells come from it", 0.75
    ancestry = sorted(index.ancestors(cell.term_id).items(), key=lambda item: (item[1], item[0]))
    listed = next((term for term, _ in ancestry if term in origins), None)
    if listed is not None and (narrowed := _narrowed_origin(cell, listed, origins[listed][0], taxid, index)):
        return narrowed
    label = index.label(cell.term_id) or ""
    # the structure before "derived" in a CL label is where the kind developed, not where cells are taken
    developed = _DEVELOPED_IN.search(label) is not None
    composed = None if developed else organ_in_cell_name(cell.term_id, taxid, index, cell.text)
    if composed is not None:
        return composed[0], composed[1], 0.75
    if listed is not None:
        return origins[listed][0], f"{index.label(listed)} cells come from it", 0.75
    if developed:
        return None
    found = find_mentions(label, ("tissue",), taxid, index, rewrites=False).for_field("tissue")
    sites = [m for m in found if not m.match.via_synonym and not _kind_word(label, m.match)]
    if sites and cell.via_synonym and not _written(sites[0], cell.text, label, taxid, index):
        return None  # "blastomere cell" read as CL's "blastoderm cell" names no blastoderm
    if sites:
        return sites[0].match.term_id, f"organ named in the cell type {label!r}", 0.75
    return None


def _narrowed_origin(
    cell: FieldMatch, listed: str, origin: str, taxid: int | None, index: OntologyIndex
) -> tuple[str, str, float] | None:
    """The listed ancestor's origin narrowed by the words that make the cell a kind of it: those CL's
    label adds to the ancestor's name (``brown adipocyte``, ``subcutaneous adipocyte``), else those
    written before the head noun (``omental adipocytes``: CL's "adipocyte of omentum tissue" names the
    organ, the depositor's adjective the depot) — when they name a kind or part of the origin
    (:func:`origin_named_with`). Tried before an organ the label composes (``epicardial adipocyte``:
    the epicardial fat, not the epicardium), since the origin's own kind is the narrower reading."""
    kind = _CELL_WORDS.findall((index.label(listed) or "").lower())
    written = _CELL_WORDS.findall(cell.text.lower())
    for words in (_without_kind(_CELL_WORDS.findall((index.label(cell.term_id) or "").lower()), kind), written[:-1]):
        if not words:
            continue
        narrowed = origin_named_with(" ".join(words), origin, taxid, index)
        if narrowed is not None:
            why = f"{index.label(listed)} cells come from it; {' '.join(words)!r} names its {index.label(narrowed)!r}"
            return narrowed, why, 0.75
    return None


def origin_named_with(words: str, origin: str, taxid: int | None, index: OntologyIndex) -> str | None:
    """The kind or part of ``origin`` UBERON names by ``words`` written with one of the origin's names
    (label or synonym: "subcutaneous" + "adipose tissue", "brown" + "fat") or, for adipose tissue, with
    the head nouns UBERON names its depots by ("omental" → omental fat pad;
    :func:`~.fat_depots.depot_rewrites`). Family: cells whose kind comes from a tissue with named kinds
    or depots, written with the word that picks one (``omental adipocytes``, ``brown adipocyte``).
    None when no such name is UBERON's, or it is not filed under ``origin``."""
    names = [f"{words} {name.lower()}" for name in tissue_names(index, origin)]
    if origin == ADIPOSE_TISSUE:
        names += [name for name, _ in depot_rewrites(f"{words} fat")]
    for name in dict.fromkeys(names):
        found = match_text("tissue", name, taxid=taxid, fuzzy=False, rewrites=False, index=index)
        if found is not None and not found.ambiguous and index.is_ancestor(origin, found.term_id):
            return found.term_id
    return None


def origin_of_source_cells(
    cells: Mention, mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> tuple[str, str, float] | None:
    """(tissue, why, confidence) for the family of cells taken from another named population ("lymphocytes
    from PBMC", "B cells isolated from PBMCs", "NK cells purified from PBMCs"): the cells come from where
    the population after "from" does (:func:`cell_origin`). None when no cell kind follows a "from"."""
    for source in mentions.for_field("cell_type"):
        if source.start <= cells.stop or "from" not in (t.lower() for t in mentions.tokens[cells.stop : source.start]):
            continue
        origin = cell_origin(source.match, taxid, index)
        if origin is not None:
            return origin[0], f"taken from {source.match.text!r}: {origin[1]}", origin[2]
    return None


def _written(site: Mention, text: str, label: str, taxid: int | None, index: OntologyIndex) -> bool:
    """The organ read from a CL label is one the depositor meant: the words written are the label's
    own with some left out (``alveolar epithelial cells``: CL's "pulmonary alveolar epithelial cell"
    shortened), or they name the organ themselves (``hepatic`` NK cells: the liver of CL's
    "liver-resident natural killer cell"). A synonym that is another name (``blastomere cell`` for
    CL's "blastoderm cell") says nothing of the organ the label names."""
    if set(norm(text).split()) <= set(norm(label).split()):
        return True
    written = find_mentions(text, ("tissue",), taxid, index).for_field("tissue")
    return any(site.match.term_id in (m.match.term_id, *m.match.candidates) for m in written)


def _kind_word(label: str, site: FieldMatch) -> bool:
    """``plasma cell``: a CL label that is one tissue word before "cell" names a kind of cell; the word
    says where it lives only when it is the organ's own UBERON label (``kidney cell``, ``blood cell``),
    not our table's or an adjective's reading of it."""
    words = _CELL_WORDS.findall(site.text.lower())
    return (
        len(words) == 1
        and _without_kind(_CELL_WORDS.findall(label.lower()), words) == ["cell"]
        and (site.method != "exact_label")
    )


def _without_kind(words: list[str], kind: list[str]) -> list[str] | None:
    """``words`` less the contiguous run ``kind`` (and a joining "of"), or None when it is not there."""
    for start in range(len(words) - len(kind) + 1):
        if words[start : start + len(kind)] == kind:
            rest = words[:start] + words[start + len(kind) :]
            return [word for word in rest if word not in _JOINING]
    return None


def _tissue_type(term_id: str, index: OntologyIndex) -> bool:
    """A portion of tissue that is no organ (embryonic tissue, mesenchyme): it says what kind of cells
    these are (``embryonic stem cell``, ``mesenchymal stem cell``), not where they were taken from."""
    return index.is_ancestor(_PORTION_OF_TISSUE, term_id) and not index.is_ancestor(_ORGAN, term_id)


def _serous_cavity(text: str, reading: str, taxid: int | None, index: OntologyIndex) -> str | None:
    """``peritoneal``, ``pleural``, ``pericardial``: the "<word> cavity" UBERON also names, when it is no
    part of the reading (the peritoneal cavity is not part of the peritoneum): cells so named may be the
    membrane's (mesothelial cells) or the cavity's (peritoneal macrophages, washed out of the cavity).
    None for a cavity inside the organ (bladder lumen), which changes nothing."""
    cavity = match_text("tissue", f"{text} cavity", taxid=taxid, fuzzy=False, rewrites=False, index=index)
    if cavity is None or cavity.ambiguous or index.is_ancestor(reading, cavity.term_id):
        return None
    return cavity.term_id


def life_stage_word(text: str, taxid: int | None, index: OntologyIndex) -> bool:
    """A word naming a period of life (adult, embryonic, fetal, neonatal, juvenile): an age, not a
    place, where its only tissue reading is a synonym or a rewrite (``adult`` → adult organism,
    ``embryonic`` → embryonic tissue). A word that is the label of a structure at that stage names
    something cells are taken from and is no such word (``embryo``, ``blastocysts``)."""
    if match_text("development_stage", text, taxid=taxid, fuzzy=False, index=index) is None:
        return False
    place = match_text("tissue", text, taxid=taxid, fuzzy=False, index=index)
    return place is None or place.via_synonym


def origin_word(text: str, taxid: int | None, index: OntologyIndex, cell_kind: str | None = None) -> str | None:
    """The tissue a word written with a cell kind says the cells come from: an organ noun or adjective
    (labels, exact synonyms, the adjective family — beside a cell kind a word can only say where the
    cells are from), unless it has several readings or is a kind of tissue rather than a place
    (:func:`_tissue_type`). A word for a membrane and the cavity outside it (:func:`_serous_cavity`)
    gives the cavity when the word's term is a serous membrane and the cells are of the blood lineage
    (``cell_kind`` a hematopoietic cell: peritoneal macrophages, pleural B cells float in the cavity
    and are washed out of it), else nothing (the membrane's own cells, a kind not said, or a cavity
    that is no serous one: the marrow cavity of ``bone marrow`` macrophages). A word naming a period of
    life says the donor's age (``adult`` mesenchymal stem cells, CL's ``adult`` skeletal muscle
    myoblast), never where the cells are from (:func:`life_stage_word`)."""
    if life_stage_word(text, taxid, index):
        return None
    found = match_text("tissue", text, taxid=taxid, fuzzy=False, index=index)
    if found is None or found.ambiguous or found.term_id in GENERIC_TERMS or _tissue_type(found.term_id, index):
        return None
    cavity = _serous_cavity(text, found.term_id, taxid, index)
    if cavity is None:
        return found.term_id
    free = cell_kind is not None and (cell_kind == _BLOOD_LINEAGE or index.is_ancestor(_BLOOD_LINEAGE, cell_kind))
    return cavity if free and index.is_ancestor(_SEROUS_MEMBRANE, found.term_id) else None


def organ_in_cell_name(
    cell_term: str, taxid: int | None, index: OntologyIndex, written: str = ""
) -> tuple[str, str] | None:
    """(tissue, why) for the family of CL labels that compose an organ word with the label of a more
    general cell: ``aortic smooth muscle cell`` = aortic + *smooth muscle cell*, ``smooth muscle cell of
    bladder``, ``lens epithelial cell``, ``splenic macrophage``. The nearest ancestor whose label
    is a run of the term's label gives the cell kind; the words left over are read as one tissue
    phrase (:func:`origin_word`). The nearest such ancestor decides: when its leftover words name no
    single tissue (``effector memory`` T cell, ``tonsillar``: tonsil or cerebellar tonsil) the answer
    is None, never a farther reading. When the label holds no ancestor's label (CL's ``keratocyte``),
    the depositor's own words for the term (``written``: corneal fibroblasts) are read the same way."""
    label = index.label(cell_term) or ""
    ancestry = sorted(index.ancestors(cell_term).items(), key=lambda item: (item[1], item[0]))
    kinds = [
        (ancestor, _CELL_WORDS.findall((index.label(ancestor) or "").lower()))
        for ancestor, _ in ancestry
        if ancestor != cell_term and ancestor.startswith("CL:") and ancestor not in _ANY_CELL
    ]
    for name in dict.fromkeys([label.lower(), norm(written)]):
        words = _CELL_WORDS.findall(name)
        for ancestor, kind in kinds:
            rest = _without_kind(words, kind) if kind and len(kind) < len(words) else None
            if not rest:
                continue
            text = " ".join(rest)
            origin = origin_word(text, taxid, index, cell_term)
            if origin is None:
                return None
            return origin, f"{text!r} composed with {index.label(ancestor)!r} in the cell type {name!r}"
    return None


def organ_of_layer(term_id: str, taxid: int | None, index: OntologyIndex) -> str | None:
    """The organ whose tissue layer ``term_id`` is, when UBERON names it "<kind of tissue> of <organ>"
    (smooth muscle of trachea, endothelium of renal glomerulus, epithelium of lens): for cells, the
    layer restates what the cells are and the organ is where they were taken from. None for a term
    that is no such layer (an organ, a region) or whose organ UBERON does not hold it part of."""
    for name in tissue_names(index, term_id):
        kind, sep, organ_name = name.lower().partition(" of ")
        if not sep:
            continue
        kind_term = match_text("tissue", kind, taxid=taxid, fuzzy=False, rewrites=False, index=index)
        organ = match_text("tissue", organ_name, taxid=taxid, fuzzy=False, rewrites=False, index=index)
        if kind_term is None or organ is None or kind_term.ambiguous or organ.ambiguous:
            continue
        if _tissue_type(kind_term.term_id, index) and index.is_ancestor(organ.term_id, term_id):
            return organ.term_id
    return None
