"""Readers for the canonical gene sources, each → one of the frames :mod:`.assemble` joins.

* HGNC complete set (``hgnc_complete_set.txt``): tab-separated, ``|``-separated lists, Approved rows;
* NCBI ``gene_info`` (``Homo_sapiens.gene_info.gz``): GeneID with HGNC/MGI/Ensembl cross-references
  in ``dbXrefs``; for mouse it is also the nomenclature frame (``Symbol_from_nomenclature_authority``,
  MGI ID, synonyms);
* Ensembl / GENCODE GTF: ``gene`` lines give ID, version, name, biotype; exons give the gene length
  as the union of its exons (the length FPKM uses). ``_PAR_Y`` copies are skipped.

All readers stream (a GENCODE GTF is ~50 MB gzip) through :func:`rnacorpus.fileio.open_text`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pandas as pd

from rnacorpus.errors import ParseError
from rnacorpus.fileio import open_text
from rnacorpus.harmonize.genes.assemble import split_field

__all__ = ["read_gene_info", "read_gtf_genes", "read_hgnc_complete_set"]

_ATTR_RE = re.compile(r'(\w+) "([^"]*)"')


def _read_tsv(path: Path, required: set[str]) -> pd.DataFrame:
    with open_text(path) as handle:
        frame = pd.read_csv(handle, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    frame.columns = [c.lstrip("#").strip().strip('"') for c in frame.columns]
    missing = required - set(frame.columns)
    if missing:
        raise ParseError(f"not the expected table: missing columns {', '.join(sorted(missing))}", path=path)
    return pd.DataFrame({name: frame[name].str.strip().str.strip('"') for name in frame.columns})


def read_hgnc_complete_set(path: Path) -> pd.DataFrame:
    """HGNC's complete set → authority frame (Approved genes only)."""
    hgnc = _read_tsv(
        path, {"hgnc_id", "symbol", "status", "prev_symbol", "alias_symbol", "entrez_id", "ensembl_gene_id"}
    )
    hgnc = hgnc[hgnc["status"] == "Approved"]
    biotype = hgnc["locus_type"] if "locus_type" in hgnc else hgnc.get("locus_group", "")
    refseq = hgnc["refseq_accession"] if "refseq_accession" in hgnc else pd.Series("", index=hgnc.index)
    return pd.DataFrame(
        {
            "authority_id": hgnc["hgnc_id"],
            "symbol": hgnc["symbol"],
            "ensembl_id": hgnc["ensembl_gene_id"].where(hgnc["ensembl_gene_id"] != "", None),
            "entrez_ids": hgnc["entrez_id"].map(split_field),
            "previous_symbols": hgnc["prev_symbol"].map(split_field),
            "alias_symbols": hgnc["alias_symbol"].map(split_field),
            "refseq_ids": refseq.map(split_field),
            "biotype": biotype,
        }
    ).reset_index(drop=True)


def _xref(xrefs: str, prefix: str) -> str | None:
    for item in xrefs.split("|"):
        if item.startswith(prefix):
            return item[len(prefix) :]
    return None


def read_gene_info(path: Path, *, authority: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NCBI gene_info → (Entrez links, authority frame built from NCBI's nomenclature columns).

    ``authority`` is ``HGNC`` or ``MGI``: the prefix of the cross-reference that names the gene.
    """
    info = _read_tsv(path, {"GeneID", "Symbol", "Synonyms", "dbXrefs", "type_of_gene"})
    xrefs = info["dbXrefs"]
    authority_ids = xrefs.map(lambda x: _xref(x, f"{authority}:"))  # "HGNC:HGNC:5" / "MGI:MGI:98834"
    ensembl = xrefs.map(lambda x: _xref(x, "Ensembl:"))
    links = pd.DataFrame({"ensembl_id": ensembl, "authority_id": authority_ids, "entrez_id": info["GeneID"]})
    named = authority_ids.notna()
    official = info.get("Symbol_from_nomenclature_authority", pd.Series("-", index=info.index))
    symbol = official.where(~official.isin(["", "-"]), info["Symbol"])
    frame = pd.DataFrame(
        {
            "authority_id": authority_ids[named],
            "symbol": symbol[named],
            "ensembl_id": ensembl[named],
            "entrez_ids": info["GeneID"][named].map(lambda g: [g]),
            "previous_symbols": [[] for _ in range(int(named.sum()))],
            "alias_symbols": info["Synonyms"][named].map(split_field),
            "refseq_ids": [[] for _ in range(int(named.sum()))],
            "biotype": info["type_of_gene"][named],
        }
    )
    return links.reset_index(drop=True), frame.reset_index(drop=True)


def _union_length(intervals: list[tuple[int, int]]) -> int:
    total, current_start, current_end = 0, -1, -2
    for start, end in sorted(intervals):
        if start > current_end + 1:
            total += current_end - current_start + 1 if current_end >= current_start else 0
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    return total + (current_end - current_start + 1 if current_end >= current_start else 0)


def read_gtf_genes(path: Path) -> pd.DataFrame:
    """GENCODE/Ensembl GTF → gencode frame (ID, version, name, biotype, union-of-exons length)."""
    genes: dict[str, dict[str, object]] = {}
    exons: dict[str, list[tuple[int, int]]] = defaultdict(list)
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 9:
                raise ParseError("a GTF line has fewer than 9 fields", path=path, line=number)
            if fields[2] not in ("gene", "exon"):
                continue
            attrs = dict(_ATTR_RE.findall(fields[8]))
            raw_id = attrs.get("gene_id", "")
            if not raw_id or raw_id.endswith("_PAR_Y"):
                continue
            gene_id, _, version = raw_id.partition(".")
            if fields[2] == "exon":
                exons[gene_id].append((int(fields[3]), int(fields[4])))
            else:
                genes[gene_id] = {
                    "ensembl_id": gene_id,
                    "ensembl_version": version or attrs.get("gene_version"),
                    "ensembl_symbol": attrs.get("gene_name"),
                    "biotype": attrs.get("gene_type") or attrs.get("gene_biotype"),
                }
    rows = [{**row, "length": _union_length(exons.get(gid, [])) or None} for gid, row in genes.items()]
    return pd.DataFrame(rows, columns=["ensembl_id", "ensembl_version", "ensembl_symbol", "biotype", "length"])
