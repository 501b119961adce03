"""Fields a free-text value gives without naming them (step 5 of :mod:`.freetext`), asked only for a
field the value does not name itself:

* the origin of a recognized cell line (``cell_line_origin``; lines stay lines — a line's tissue is its
  Cellosaurus origin, never the site of the disease it models);
* no tissue for cells made in vitro or cells only like a kind (:mod:`.derivation`, :mod:`.likeness`);
* the tissue a named cell type comes from (``cell_type_origin``, :func:`~.implied.cell_origin`; cells
  written as circulating come from the blood), then — for tissue, source and cell-type keys — the site
  of a named disease (``disease_site``).

Moved out of :mod:`.freetext` unchanged (session 34), so that module stays small.
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.build import mapped, unmapped
from rnacorpus.harmonize.ontology.class_heads import origin_before_cell, origin_beside_cell
from rnacorpus.harmonize.ontology.curated import CellLineEntry
from rnacorpus.harmonize.ontology.derivation import cultured_source, made_in_vitro, reprogrammed_source, stem_source
from rnacorpus.harmonize.ontology.disease_sites import site_from_diseases
from rnacorpus.harmonize.ontology.fields import KeyInfo
from rnacorpus.harmonize.ontology.implied import cell_origin, organ_of_layer, origin_of_source_cells
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.likeness import resembled_cells
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions
from rnacorpus.schemas import Annotation

__all__ = ["cells_from", "derived_fields"]

_SITE_KINDS = frozenset({"tissue", "source"})
#: keys whose named disease may give the tissue it is sited in: a tumour's cells under a cell-type key
#: ("colon carcinoma cell line", "breast cancer cells") come from that organ as a tissue sample does
_DISEASE_SITE_KINDS = _SITE_KINDS | {"cell_type"}
#: keys whose named cell type may give the tissue it comes from
_ORIGIN_KINDS = frozenset({"tissue", "source", "cell_type"})


def _origin(
    info: KeyInfo, value: str, decided: dict[str, Annotation], entry: CellLineEntry, index: OntologyIndex
) -> list[Annotation]:
    """Tissue and disease of a recognized line's origin, for the fields the value does not name."""
    out = []
    for field_name, term_id in (("tissue", entry.origin_tissue), ("disease", entry.origin_disease)):
        if term_id and field_name not in decided:
            why = f"Cellosaurus origin of {entry.name}"
            out.append(mapped(field_name, info.key, value, term_id, "cell_line_origin", 0.7, index, reason=why))
    return out


def cells_from(
    info: KeyInfo, value: str, term_id: str, why: str, confidence: float, taxid: int | None, index: OntologyIndex
) -> Annotation:
    """The tissue cells come from: the organ, when the origin found is the organ's layer of the cells'
    own kind (tracheal smooth muscle → trachea; :func:`~.implied.organ_of_layer`)."""
    organ = organ_of_layer(term_id, taxid, index)
    if organ is not None:
        why = f"{why}; the {index.label(term_id)!r} is the cells' own layer of it"
    return mapped("tissue", info.key, value, organ or term_id, "cell_type_origin", confidence, index, reason=why)


_BLOOD = "UBERON:0000178"


def _circulating(cells: Mention, tokens: list[str]) -> bool:
    """Cells written as circulating (``circulating monocytes``, ``circulating endothelial cells``): the
    family of cells sampled from the blood whatever their kind's own origin."""
    before = tokens[cells.start - 1].lower() if cells.start > 0 else ""
    return before == "circulating" or "circulating" in cells.match.text.lower().split()


def _implied_tissue(
    info: KeyInfo, value: str, named: dict[str, Mention], mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> Annotation | None:
    """A tissue the value implies without naming it: the origin of a named cell type (narrowed by an
    organ word written before it, :func:`~.class_heads.origin_before_cell`), then (tissue and source
    keys only) the site of a named disease. Cells of a cell line imply nothing (``3T3-L1 adipocytes``
    are no adipose tissue): a line's tissue is only the origin our reviewed table states for it."""
    if mentions.cell_line is not None:
        return None
    cell_type, beside = named.get("cell_type"), named.get("tissue_of_cells")
    if cell_type is not None and beside is None and _circulating(cell_type, mentions.tokens):
        why = f"{cell_type.match.text!r} written as circulating: cells taken from the blood"
        return cells_from(info, value, _BLOOD, why, 0.75, taxid, index)
    origin = (
        cell_origin(cell_type.match, taxid, index) or origin_of_source_cells(cell_type, mentions, taxid, index)
        if cell_type
        else None
    )
    if beside is not None and (
        found := origin_beside_cell(beside, cell_type, origin[0] if origin else None, taxid, index)
    ):
        return cells_from(info, value, found[0], found[1], 0.75, taxid, index)
    before = origin_before_cell(cell_type, origin[0] if origin else None, mentions, taxid, index) if cell_type else None
    if before is not None:
        return cells_from(info, value, before[0], before[1], 0.75, taxid, index)
    if origin is not None:
        return cells_from(info, value, origin[0], origin[1], origin[2], taxid, index)
    disease, diseases = named.get("disease"), [m.match for m in mentions.for_field("disease")]
    site = (
        site_from_diseases([disease.match, *diseases], taxid, index)
        if disease and info.kind in _DISEASE_SITE_KINDS and not _describes_cells(info, disease)
        else None
    )
    if site is None:
        return None
    return mapped("tissue", info.key, value, site[0], "disease_site", 0.8, index, reason=site[1])


def _describes_cells(info: KeyInfo, disease: Mention) -> bool:
    """Under a cell-type key, a disease read from one word its MONDO term lists as a synonym (``luminal``
    cells, ``basal`` cells) is no tumour whose site the cells come from: beside "cells" such a word
    describes the cells."""
    return info.kind == "cell_type" and disease.match.single_word_synonym


def derived_fields(
    info: KeyInfo,
    value: str,
    decided: dict[str, Annotation],
    named: dict[str, Mention],
    mentions: Mentions,
    taxid: int | None,
    index: OntologyIndex,
) -> list[Annotation]:
    hit = mentions.cell_line
    if hit is not None and hit.entry is not None:
        # A cell line's tissue is its origin, never the site of the disease it models.
        return _origin(info, value, decided, hit.entry, index)
    if "tissue" in decided or info.kind not in _ORIGIN_KINDS:
        return []
    # "hiPSC-derived cardiomyocytes", "foreskin fibroblast iPSC": cells grown in a dish
    if made := (
        made_in_vitro(value)
        or stem_source(mentions, index)
        or reprogrammed_source(mentions, index)
        or cultured_source(mentions)
    ):
        return [unmapped("tissue", info.key, value, f"{made!r}: cells made in vitro come from no tissue")]
    if like := resembled_cells(mentions):  # "hepatocyte-like cells"
        return [unmapped("tissue", info.key, value, f"{like!r}: cells like a kind come from no tissue of it")]
    implied = _implied_tissue(info, value, named, mentions, taxid, index)
    return [implied] if implied else []
