"""SDRF header cells → what each column is (MAGE-TAB 1.1 §3, and the legacy spellings in the wild).

A column is a *node* (``Source Name``, ``Extract Name``, ``Assay Name``, a data file …), an
*attribute* of the node before it (``Characteristics[organism]``, ``Material Type``, ``Comment[…]``,
``Label``, ``Array Design REF`` …), a *qualifier* of the attribute before it (``Unit[…]``,
``Term Source REF``, ``Term Accession Number``), an edge (``Protocol REF``, also legacy
``nucleic_acid_extraction Protocol REF``), or a ``Factor Value[…]`` of the whole row. Spelling is
forgiving: case, spaces (``Characteristics [Age]``, ``FactorValue [dose]``, ``LabeledExtract Name``)
and a missing ``Name`` do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["BIOMATERIAL_NODES", "DATA_FILE_NODES", "Column", "ColumnKind", "classify_header"]

ColumnKind = Literal[
    "node",
    "characteristic",
    "factor",
    "comment",
    "unit",
    "term_source",
    "term_accession",
    "parameter",
    "protocol",
    "attribute",
]

_NODES = {
    "sourcename": "source",
    "samplename": "sample",
    "extractname": "extract",
    "labeledextractname": "labeled_extract",
    "labelledextractname": "labeled_extract",
    "hybridizationname": "assay",
    "hybridisationname": "assay",
    "assayname": "assay",
    "scanname": "scan",
    "normalizationname": "normalization",
    "normalisationname": "normalization",
    "arraydatafile": "raw",
    "derivedarraydatafile": "processed",
    "arraydatamatrixfile": "raw_matrix",
    "derivedarraydatamatrixfile": "processed_matrix",
    "imagefile": "image",
    "datafile": "raw",
    "deriveddatafile": "processed",
}
BIOMATERIAL_NODES = frozenset({"source", "sample", "extract", "labeled_extract"})
DATA_FILE_NODES = frozenset({"raw", "processed", "raw_matrix", "processed_matrix", "image"})
_BRACKETED = re.compile(r"^(?P<head>[A-Za-z_ ]+?)\s*\[\s*(?P<name>.*?)\s*\]$")
_BRACKET_KINDS: dict[str, ColumnKind] = {
    "characteristics": "characteristic",
    "characteristic": "characteristic",
    "factorvalue": "factor",
    "comment": "comment",
    "unit": "unit",
    "parametervalue": "parameter",
}
_PLAIN = {
    "termsourceref": "term_source",
    "termaccessionnumber": "term_accession",
}


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    kind: ColumnKind
    #: node type for nodes (source, assay, raw …); the bracketed name or the attribute's own name otherwise
    name: str


def _squash(text: str) -> str:
    return re.sub(r"[\s_]+", "", text).lower()


def classify_header(index: int, header: str) -> Column:
    text = header.strip()
    bracketed = _BRACKETED.match(text)
    if bracketed is not None:
        kind = _BRACKET_KINDS.get(_squash(bracketed["head"]))
        if kind is not None:
            return Column(index, text, kind, bracketed["name"].strip())
    squashed = _squash(text)
    if squashed in _NODES:
        return Column(index, text, "node", _NODES[squashed])
    if squashed.endswith("protocolref"):
        return Column(index, text, "protocol", "protocol")
    if squashed in _PLAIN:
        return Column(index, text, _PLAIN[squashed], squashed)  # type: ignore[arg-type]
    # Material Type, Description, Label, Provider, Array Design REF, Technology Type, Performer, Date …
    return Column(index, text, "attribute", " ".join(text.split()).lower())
