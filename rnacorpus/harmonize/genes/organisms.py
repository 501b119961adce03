"""The organisms the gene layer knows, and how each writes its gene names.

Case conventions differ: human symbols are upper case (``TP53``, ``MT-CO1``), mouse symbols are
capitalised (``Trp53``, ``mt-Co1``). Lookups therefore compare an upper-cased key and keep the
deposited spelling for the record; an organism is never guessed from the case of its symbols.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rnacorpus.errors import ConfigError

__all__ = ["HUMAN", "MOUSE", "ORGANISMS", "Organism", "resolve_organism"]


@dataclass(frozen=True)
class Organism:
    key: str  # "human" / "mouse": file names and CLI choices
    scientific_name: str
    taxid: int
    #: stable-ID prefix of Ensembl genes (ENSG, ENSMUSG); any other ENS…G prefix is another species
    ensembl_gene_prefix: str
    #: the nomenclature authority whose approved symbols win (HGNC, MGI)
    authority: str
    aliases: tuple[str, ...] = ()


HUMAN = Organism(
    key="human",
    scientific_name="Homo sapiens",
    taxid=9606,
    ensembl_gene_prefix="ENSG",
    authority="HGNC",
    aliases=("homo sapiens", "h. sapiens", "hs", "hsa", "9606", "ncbitaxon:9606"),
)
MOUSE = Organism(
    key="mouse",
    scientific_name="Mus musculus",
    taxid=10090,
    ensembl_gene_prefix="ENSMUSG",
    authority="MGI",
    aliases=("mus musculus", "m. musculus", "mm", "mmu", "10090", "ncbitaxon:10090"),
)
ORGANISMS: tuple[Organism, ...] = (HUMAN, MOUSE)


def resolve_organism(organism: str | int | Organism) -> Organism:
    """``"human"``, ``"Homo sapiens"``, ``9606``, ``"NCBITaxon:9606"`` … → :class:`Organism`."""
    if isinstance(organism, Organism):
        return organism
    text = re.sub(r"\s+", " ", str(organism)).strip().lower()
    for known in ORGANISMS:
        if text in {known.key, known.scientific_name.lower(), *known.aliases}:
            return known
    names = ", ".join(f"{o.key} ({o.scientific_name}, {o.taxid})" for o in ORGANISMS)
    raise ConfigError(f"no gene reference for organism {organism!r}; known: {names}")
