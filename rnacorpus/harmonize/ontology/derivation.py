"""Where a value says cells came from: hyphenated source words, and cells made in vitro.

Three families of depositor spellings:

* ``<source>-derived <cells>``, ``<organ>-resident <cells>`` and ``<organ>-infiltrating <cells>`` glue
  the source to a filler word with a hyphen ("bone marrow-derived macrophages", "lung-resident memory
  T cells", "islet-infiltrating T cells": cells isolated from the organ they live in or invaded);
  :func:`split_source_hyphen` frees the source so it is read as a word of its own. Other
  hyphenated descriptors ("gut-homing", "skin-tropic") say where cells *go*, not where they were
  taken from, and stay glued.
* cells made in a dish from other cells named with no tissue ("HSMM cell derived myotubes") come from no
  tissue either (:func:`cultured_source`).
* cells differentiated in a dish from pluripotent or other stem cells or from a cell line ("hiPSC-derived
  cardiomyocytes", "ES cell-derived neural progenitors", "cardiomyocytes derived from hESCs", "in
  vitro differentiated adipocytes", "myotubes differentiated from the HSMM cell line") were never
  part of a tissue: the organ their kind comes from
  (cardiomyocytes → heart) is not the sample's tissue. :func:`made_in_vitro` finds those phrases;
  :func:`stem_source` finds any other source CL files under stem cell ("MSC-derived adipocytes").
* a value that names pluripotent stem cells as the cells' source ("SZ_hiPSC forebrain NPCs", "hESC
  cerebral organoids", "iPS cell-derived cortical neurons", "induced pluripotent stem cells from skin
  fibroblasts") describes cells grown in a dish: an organ or region named in it says what kind of cells
  were made (or where the reprogrammed cells once came from), never a tissue that was sampled.
  :func:`pluripotent_source` finds those names — initials only in their capitalised forms (hiPSC, iPSC,
  hESC, mESC, hiPS, iPS, hES) and the written-out words; a bare "PSC" (primary sclerosing cholangitis)
  or "ESC" (endometrial stromal cells) is no such name, nor is a stem cell of a tissue ("hematopoietic
  stem cells from bone marrow" keep their organ).
* in ``<source>-derived <cells>`` the cells are what comes after ("monocyte-derived macrophages" are
  macrophages, "MSC-derived adipocytes" adipocytes), in ``<cells> derived from <source>`` what comes
  before ("embryonic stem cells derived from blastocysts"); :func:`derived_kind` keeps those mentions.
* two cell kinds side by side, one pluripotent, with no derivation word: the head is the sample. Stem
  cells after the cells they were reprogrammed from ("foreskin fibroblast iPSC", "skin fibroblast iPS
  cells", "PBMC hiPSC line") are stem cells, the kind before them only their donor source; cells after
  the stem cells they were made from ("iPSC cardiomyocytes", "hESC neurons") are that kind
  (:func:`derived_kind`). Either way the value names pluripotent stem cells, so no tissue is derived.
"""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions

__all__ = [
    "DERIVATION_WORDS",
    "cultured_source",
    "derived_kind",
    "made_in_vitro",
    "pluripotent_source",
    "reprogrammed_source",
    "split_source_hyphen",
    "stem_source",
]

_STEM_CELL = "CL:0000034"
#: pluripotent stem cell and embryonic stem cell (CL files the second under stem cell only)
_PLURIPOTENT_KINDS = ("CL:0002248", "CL:0002322")
#: words saying cells were made from other cells (the source is named beside them)
DERIVATION_WORDS = frozenset({"derived", "differentiated", "reprogrammed", "generated"})
_CELL_NOUNS = frozenset({"cell", "cells"})

#: the hyphen of "<source>-derived" / "<organ>-resident" / "<organ>-infiltrating", which would glue the
#: source to a filler word
_SOURCE_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=(?:derived|resident|infiltrating)\b)", re.IGNORECASE)

# Pluripotent and embryonic stem cells as depositors abbreviate them: (h|m|r)(i)PSC(s), (h|m)ESC(s),
# iPS / ES (+ "cell(s)"). iPS / ES in capitals only, so ordinary words ending in "es" or "ps" (hips) never
# count; the initials ending in "sc" are no word and count in lower case too (GEOmetadb lower-cases values).
_INITIALS = r"(?:(?-i:\b[hmr]?i?PSCs?|\b[hm]?ESCs?|\bi?PS|\bES)|\b(?:[hmr]?ipscs?|[hm]escs?)\b)(?:[ -]cells?)?"
# Written out: "(induced) pluripotent stem cell(s)", "embryonic stem cell(s)", "(neural) stem cell(s)" —
# "stem" only with "cell", so a brain stem is not a stem cell.
_WORDS = r"\b(?:pluripotent(?:[ -]stem)?(?:[ -]cells?)?|embryonic[ -]stem[ -]cells?|stem[ -]cells?)"
_STEM = rf"(?:{_INITIALS}|{_WORDS})"
_IN_VITRO = re.compile(
    rf"{_STEM}[ -](?:derived|differentiated)\b(?!\s+from)"  # not "ES cells derived from blastocysts"
    rf"|\b(?:derived|differentiated|generated|induced)\s+from\s+(?:an?\s+|the\s+)?(?:\w+\s+)?{_STEM}"
    # the cells named between: "derived cardiomyocytes (CMs) from hiPSC"
    rf"|\b(?:derived|differentiated|generated)\s+[^.;]{{1,40}}?\bfrom\s+(?:an?\s+|the\s+)?{_STEM}"
    r"|\bin[ -]vitro[ -](?:differentiated|derived|generated|induced|matured)\b"
    r"|\b(?:differentiated|derived|generated|induced|matured)\s+in[ -]vitro\b"
    # made from a cell line, which is no tissue: "myotubes differentiated from the HSMM cell line"
    r"|(?<=\S\s)(?:derived|differentiated|generated)\s+from\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?cell[ -]lines?\b"
    # one kind turned into another in culture: "reprogrammed cardiomyocytes", "transdifferentiated hepatocytes"
    r"|\b(?:directly[ -])?(?:reprogrammed|trans-?differentiated)\b",
    re.IGNORECASE,
)

# Pluripotent stem cells named as such: capitalised initials with their species or "i" prefix, standing
# apart from other letters (an underscore or a hyphen may join them: "SZ_hiPSC", "hiPS-derived"), or the
# words; never "stem cells" at large.
_PLURIPOTENT = re.compile(
    r"(?-i:(?<![A-Za-z])(?:[hmr]?iPSCs?|[hm]ESCs?|h?iPS|hES)(?![A-Za-z]))"
    r"|\b(?:induced[ -])?pluripotent[ -]stem\b|\bembryonic[ -]stem[ -]cells?\b",
    re.IGNORECASE,
)


def pluripotent_source(value: str) -> str | None:
    """The name of pluripotent stem cells in ``value`` (the cells were grown from them), else ``None``."""
    found = _PLURIPOTENT.search(value)
    return found.group(0) if found else None


def split_source_hyphen(text: str) -> str:
    """``text`` with the hyphen of ``<source>-derived`` / ``-resident`` / ``-infiltrating`` made a space."""
    return _SOURCE_HYPHEN.sub(" ", text)


def made_in_vitro(value: str) -> str | None:
    """The phrase saying the cells were differentiated in vitro (from stem cells), else ``None``."""
    found = _IN_VITRO.search(value)
    return found.group(0) if found else None


def derived_kind(found: list[Mention], tokens: list[str], index: OntologyIndex | None = None) -> list[Mention]:
    """The cell-type mentions naming what the cells are, when the value says what they derive from: after
    ``derived`` (the source is before it), or before ``derived from`` (the source is after) — and
    before a ``from`` that comes first, whose source is itself derived ("chondrocytes from bone
    marrow-derived MSC"). With no
    derivation word, pluripotent stem cells named after another kind are the cells
    (:func:`_reprogrammed_into`). The mentions unchanged when nothing says so or the value ends with
    the derivation word ("…, Dermal-Derived"); none when nothing is named on the cells' side nor read
    across the derivation word ("hESC Derived CD184+ Endoderm
    Cultured Cells": the stem cells are the source, not the cells — the caller names no cell type)."""
    for at, token in enumerate(tokens):
        if token.lower() not in DERIVATION_WORDS:
            continue
        source_after = at + 1 < len(tokens) and tokens[at + 1].lower() == "from"
        taken = next((i for i in range(at) if tokens[i].lower() == "from"), None)
        if not source_after and taken is not None and (before := [m for m in found if m.stop <= taken]):
            return before  # "Chondrocytes from Bone Marrow Derived MSC": the derivation is the source's
        kind = [m for m in found if (m.stop <= at if source_after else m.start > at)]
        # a name read across the derivation word holds both sides ("Bone Marrow Derived Cultured
        # Mesenchymal Stem Cells": CL's mesenchymal stem cell of the bone marrow)
        if not kind and at == len(tokens) - 1:
            return found  # "… Endothelial Cells, Dermal-Derived": a closing note on the source
        return kind or [m for m in found if m.start <= at < m.stop and _reads_after(m, tokens, at)]
    return _reprogrammed_into(found, index) if index is not None else found


def _reads_after(mention: Mention, tokens: list[str], at: int) -> bool:
    """The mention's name uses a word written after the derivation word (a whole-value reading of
    "iPSC derived cultured cells" is the source's name alone)."""
    named = set(mention.match.text.lower().split())
    return any(token.lower() in named for token in tokens[at + 1 : mention.stop])


def _is_pluripotent(mention: Mention, index: OntologyIndex) -> bool:
    term = mention.match.term_id
    return any(term == kind or index.is_ancestor(kind, term) for kind in _PLURIPOTENT_KINDS)


def _reprogrammed_into(found: list[Mention], index: OntologyIndex) -> list[Mention]:
    """The head of two cell kinds written side by side when one is pluripotent: the kinds after the
    stem cells are what was made from them ("iPSC cardiomyocytes", "hESC neurons"), the stem cells
    after another kind what that kind was reprogrammed into ("foreskin fibroblast iPSC"). Unchanged
    when no pluripotent kind is named beside another."""
    for mention in found:
        if not _is_pluripotent(mention, index):
            continue
        made = [other for other in found if other.start >= mention.stop]
        if made:
            return made
        if any(other.stop <= mention.start for other in found if other is not mention):
            return [mention]
    return found


def reprogrammed_source(mentions: Mentions, index: OntologyIndex) -> str | None:
    """The pluripotent stem cells' name when the value writes them beside another cell kind with no
    derivation word ("foreskin fibroblast iPSC", "iPSC cardiomyocytes"), else ``None``: the cells were
    reprogrammed into stem cells or made from them in a dish, so neither kind's origin is a tissue of
    the sample."""
    if any(token.lower() in DERIVATION_WORDS for token in mentions.tokens):
        return None  # derived_kind and made_in_vitro read those values
    cells = mentions.for_field("cell_type")
    for mention in cells:
        if _is_pluripotent(mention, index) and any(other is not mention for other in cells):
            return mention.match.text
    return None


def stem_source(mentions: Mentions, index: OntologyIndex) -> str | None:
    """The phrase naming a stem cell (by CL: mesenchymal, hematopoietic, pluripotent …) as the source the
    cells of the value derive from (:func:`derived_kind`), else ``None``."""
    cells = mentions.for_field("cell_type")
    kind = derived_kind(cells, mentions.tokens)
    for mention in cells:
        if mention not in kind and index.is_ancestor(_STEM_CELL, mention.match.term_id):
            return f"{mention.match.text}-derived"
    return None


def cultured_source(mentions: Mentions) -> str | None:
    """The phrase ``<name> cell(s) derived`` when the value's cells were made from other cells that it
    names with no tissue ("HSMM cell derived skeletal muscle myotubes": myotubes made from a culture),
    else ``None``: cells made from cells in a dish come from no tissue, whatever their kind's organ.
    A tissue named on the source side keeps the source's tissue ("CD34+ cord blood cell-derived
    megakaryocytes": cord blood), and so does a source read after "derived from" (read elsewhere)."""
    tokens = [token.lower() for token in mentions.tokens]
    for at, token in enumerate(tokens):
        if token != "derived" or at == 0 or tokens[at - 1] not in _CELL_NOUNS:
            continue
        if at + 1 < len(tokens) and tokens[at + 1] == "from":
            continue
        made = any(m.start > at for m in mentions.for_field("cell_type"))
        source_tissue = any(m.stop <= at for m in mentions.for_field("tissue"))
        if made and not source_tissue:
            return " ".join(mentions.tokens[max(0, at - 2) : at + 1])
    return None
