"""A tissue named as how deep a tumour invaded: a stage of the tumour, not the sample.

Family: ``muscle invasive bladder tumor``, ``non muscle invasive bladder cancer``, ``muscle invasion
urothelial carcinoma``, ``stromal invasive carcinoma of the cervix`` — pathologists stage a tumour by
the layer it has grown into, written as "<tissue> invasive" or "<tissue> invasion". The tissue word
(muscle) is then no place the sample was taken from: the organ named beside it, or the site of the
named tumour, is. Only a kind of tissue (UBERON's *tissue*: muscle, stroma, connective tissue) reads so;
an organ before "invasive" is the tumour's own organ (``breast invasive carcinoma``, TCGA's name for
breast cancer).
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.phrase_scan import Mention

__all__ = ["invaded_layer"]

_TISSUE = "UBERON:0000479"
_INVASION_WORDS = frozenset({"invasive", "invasion", "invading"})


def invaded_layer(mention: Mention, tokens: list[str], index: OntologyIndex) -> bool:
    """Is ``mention`` a kind of tissue written right before "invasive"/"invasion" (see the module)?"""
    after = tokens[mention.stop].lower() if mention.stop < len(tokens) else ""
    return after in _INVASION_WORDS and _TISSUE in index.ancestors(mention.match.term_id)
