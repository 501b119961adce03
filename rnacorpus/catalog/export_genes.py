"""The export's one gene space: which columns ``values`` has, in which order, with what annotation.

* ``--level gene`` (the default): arrays and RNA-seq meet at Ensembl gene IDs, from the pinned gene
  reference of each exported organism:
  ``protein_coding`` — genes of biotype ``protein_coding``; ``all`` — every gene with an Ensembl ID;
  a list (``--genes FILE``: one Ensembl ID or symbol per line) — mapped with the rules of
  ``rnacorpus genes map`` (:func:`rnacorpus.harmonize.genes.map_identifiers`): an ambiguous or
  unmapped line is reported in the manifest, never guessed. Reference sets are sorted by Ensembl ID;
  a list keeps its own order (first occurrence of a gene wins). Several organisms (``--allow-mixed``)
  are concatenated, in taxon order.
* ``--level feature`` (one platform): the features as deposited — ``all`` is the union of the
  chosen shards' features in their first-seen order, a list is taken literally.

The space never depends on which samples were chosen at gene level, so two exports with the same
gene option line up column for column.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.errors import ConfigError
from rnacorpus.harmonize.genes import GeneReference, load_reference, map_identifiers

__all__ = ["GeneSpace", "LengthLookup", "gene_space", "reference_stamp"]

GENE_SETS = ("protein_coding", "all")


@functools.lru_cache(maxsize=4)
def _reference(taxid: int) -> GeneReference:
    return load_reference(taxid)


def reference_stamp(taxid: int) -> str:
    info = _reference(taxid).info
    return f"{info.source} {info.release} sha256:{info.sha256[:16]}"


class LengthLookup:
    """Gene lengths (bases) from the reference, looked up per shard in one vectorized step."""

    def __init__(self, taxa: Sequence[int]) -> None:
        frames = []
        for taxid in taxa:
            table = _reference(taxid).table.select(["ensembl_id", "length"]).to_pandas()
            frames.append(table.dropna(subset=["ensembl_id"]))
        joined = pd.concat(frames) if frames else pd.DataFrame({"ensembl_id": [], "length": []})
        joined = joined.drop_duplicates("ensembl_id")
        self._series = pd.Series(joined["length"].to_numpy(dtype=np.float64), index=joined["ensembl_id"])

    def __call__(self, feature_ids: Sequence[str]) -> npt.NDArray[np.float64]:
        found = self._series.reindex(pd.Index(feature_ids)).to_numpy(dtype=np.float64)
        return np.where(found > 0, found, np.nan)


@dataclass
class GeneSpace:
    level: str
    spec: str  # "protein_coding" | "all" | "list"
    ids: list[str]
    #: features.parquet: index, feature_id, symbol, biotype, length, organism_taxid
    table: pa.Table
    report: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def index(self) -> pd.Index:
        return pd.Index(self.ids)


def _reference_genes(taxid: int, spec: str) -> pa.Table:
    table = _reference(taxid).table
    table = table.filter(pc.is_valid(table["ensembl_id"]))
    if spec == "protein_coding":
        table = table.filter(pc.equal(table["biotype"], "protein_coding"))
    table = table.sort_by("ensembl_id")
    return pa.table(
        {
            "feature_id": table["ensembl_id"],
            "symbol": table["symbol"],
            "biotype": table["biotype"],
            "length": table["length"],
            "organism_taxid": pa.array([taxid] * table.num_rows, pa.int32()),
        }
    )


def _listed_genes(taxid: int, lines: Sequence[str]) -> tuple[pa.Table, dict[str, Any]]:
    reference = _reference(taxid)
    mapping = map_identifiers(list(lines), reference)
    ids = [i for i in dict.fromkeys(mapping.ensembl_ids) if i is not None]
    by_id = reference.table.filter(pc.is_valid(reference.table["ensembl_id"])).to_pandas().set_index("ensembl_id")
    picked = by_id.reindex(ids)
    outcomes = mapping.table.select(["input", "outcome"]).to_pylist()
    report = {
        "organism_taxid": taxid,
        "inputs": len(lines),
        "genes": len(ids),
        "not_mapped": [r for r in outcomes if r["outcome"] != "mapped"],
    }
    table = pa.table(
        {
            "feature_id": pa.array(ids, pa.string()),
            "symbol": pa.array(picked["symbol"].tolist(), pa.string()),
            "biotype": pa.array(picked["biotype"].tolist(), pa.string()),
            "length": pa.array([None if pd.isna(v) else int(v) for v in picked["length"]], pa.int32()),
            "organism_taxid": pa.array([taxid] * len(ids), pa.int32()),
        }
    )
    return table, report


def _with_index(table: pa.Table) -> pa.Table:
    return table.add_column(0, "index", pa.array(np.arange(table.num_rows, dtype=np.int32)))


def gene_space(
    genes: str | Sequence[str], level: str, taxa: Sequence[int], shard_features: Sequence[Sequence[str]] = ()
) -> GeneSpace:
    """The export's columns for ``genes`` (a set name or a list of IDs) at ``level``."""
    listed = not isinstance(genes, str)
    if isinstance(genes, str) and genes not in GENE_SETS:
        raise ConfigError(f"--genes is protein_coding, all or a file of IDs; got {genes!r}")
    spec = "list" if listed else str(genes)
    if level == "feature":
        if spec == "protein_coding":
            raise ConfigError("--genes protein_coding needs --level gene (features as deposited have no biotype)")
        ids = list(dict.fromkeys(genes)) if listed else list(dict.fromkeys(f for fs in shard_features for f in fs))
        table = pa.table({"feature_id": pa.array(ids, pa.string())})
        return GeneSpace(level, spec, ids, _with_index(table))
    parts, reports = [], []
    for taxid in sorted(set(taxa)):
        if listed:
            part, report = _listed_genes(taxid, list(genes))
            reports.append(report)
        else:
            part = _reference_genes(taxid, spec)
        parts.append(part)
    table = pa.concat_tables(parts) if parts else _reference_genes(9606, "protein_coding").slice(0, 0)
    ids = table["feature_id"].to_pylist()
    report = {"references": {str(t): reference_stamp(t) for t in sorted(set(taxa))}}
    if reports:
        report["mapping"] = reports
    return GeneSpace(level, spec, ids, _with_index(table), report)
