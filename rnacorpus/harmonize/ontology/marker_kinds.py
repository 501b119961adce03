"""The cell kind CL gives one surface marker alone: ``CD14_Primary_Cells``, ``CD19+ cells``.

Family: a population named only by one CD marker (no sign, or "+"/"positive") and generic words
(primary, cells, sorted, a source such as peripheral blood). CL names marker-positive kinds
"<marker>-positive <kind>" or "<kind>, <marker>-positive" (CD14-positive monocyte; B cell,
CD19-positive; lymphocyte of B lineage, CD19-positive), so the kinds CL gives a marker are read
from its own names, never from a list of markers:

* every CL term one of whose names states the marker as positive is the marker's *extent*, less the
  terms whose label names an organ (CD14-positive *dermal* dendritic cell: such cells need their
  organ written — :func:`~.implied.origin_word`) and the terms tagged with another species;
* each name stating the marker and no other marker gives a *head*: the rest of the name, when it is
  a CL name of a proper ancestor of the term (B cell; lymphocyte of B lineage);
* the answer is the narrowest head every term of the extent lies under or above (CD19: B cell, since
  "lymphocyte of B lineage, CD19-positive" holds "B cell, CD19-positive"; CD14: monocyte). A marker
  CL ties to kinds of different lineages (CD34: common myeloid progenitor beside megakaryocyte,
  eosinophil and lymphoid progenitors; CD16: monocytes and NK cells; CD27: one gamma-delta T cell
  name among other lymphocytes) or names with no other marker never (CD56, CD3, CD15) gets none.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from rnacorpus.harmonize.ontology.implied import origin_word
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import find_mentions

__all__ = ["MarkerName", "marker_kind"]

#: "cell", "eukaryotic cell", "native cell": every cell is one, no kind
_ANY_CELL = frozenset({"CL:0000000", "CL:0000255", "CL:0000003"})

#: one CL name stating markers: (term, its (marker, sign) pairs, its other words in order)
MarkerName = tuple[str, frozenset[tuple[str, str]], tuple[str, ...]]


def marker_kind(
    marker: tuple[str, str], names: Sequence[MarkerName], taxid: int | None, index: OntologyIndex
) -> str | None:
    """The CL kind ``marker`` alone names (module docstring) among ``names`` (the CL names stating it,
    other species' already left out), else None."""
    if marker[1] != "positive":
        return None
    return _kind(marker, tuple(names), taxid, index)


@functools.lru_cache(maxsize=256)
def _kind(
    marker: tuple[str, str], names: tuple[MarkerName, ...], taxid: int | None, index: OntologyIndex
) -> str | None:
    extent = {term for term, _, _ in names if not _organ_bound(term, taxid, index)}
    heads: set[str] = set()
    for term, markers, rest in names:
        if term not in extent or markers != {marker} or not rest:
            continue
        found = match_text("cell_type", " ".join(rest), taxid=taxid, fuzzy=False, index=index)
        if found is None or found.ambiguous or found.term_id in _ANY_CELL or found.term_id == term:
            continue
        if index.is_ancestor(found.term_id, term) and not _organ_bound(found.term_id, taxid, index):
            heads.add(found.term_id)
    covering = {head for head in heads if all(_placed(head, term, extent, index) for term in extent)}
    narrowest = [head for head in covering if not any(index.is_ancestor(head, other) for other in covering - {head})]
    return narrowest[0] if len(narrowest) == 1 else None


def _placed(head: str, term: str, extent: set[str], index: OntologyIndex) -> bool:
    """``term`` lies under ``head``, or holds a term of the extent that does (a broader marked kind)."""
    if term == head or index.is_ancestor(head, term):
        return True
    return any(index.is_ancestor(term, other) and index.is_ancestor(head, other) for other in extent)


def _organ_bound(term: str, taxid: int | None, index: OntologyIndex) -> bool:
    """CL's label of ``term`` names an organ the cells are of (dermal, thymic, lung resident)."""
    found = find_mentions(index.label(term) or "", ("tissue",), taxid, index, rewrites=False).for_field("tissue")
    return any(origin_word(mention.match.text, taxid, index) is not None for mention in found)
