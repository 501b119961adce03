"""One reference format from any set of sources: nomenclature authority × Ensembl/GENCODE × Entrez links.

Both the offline default (``scripts/build_gene_reference.py``, from packaged snapshots) and the
production path (:mod:`rnacorpus.harmonize.genes.production`, from HGNC / NCBI gene_info / GENCODE
downloads) hand three normalised frames to :func:`assemble_reference_table`:

* ``authority``: ``authority_id, symbol, ensembl_id, entrez_ids, previous_symbols, alias_symbols,
  refseq_ids, biotype`` — one row per HGNC/MGI gene (lists may be empty);
* ``gencode``: ``ensembl_id, ensembl_version, ensembl_symbol, biotype, length`` — one row per gene;
* ``entrez_links``: ``ensembl_id, authority_id, entrez_id`` — either key may be null.

Rows are keyed by the unversioned Ensembl gene ID; an authority gene without one is kept under its
HGNC/MGI ID so that its symbols still take part in disambiguation (it can never be *mapped to*,
because the corpus keys expression by Ensembl ID).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pandas as pd
import pyarrow as pa

__all__ = ["REFERENCE_SCHEMA", "assemble_reference_table", "clean_list", "split_field"]

log = logging.getLogger(__name__)

_LIST = pa.list_(pa.string())
REFERENCE_SCHEMA = pa.schema(
    [
        ("gene_key", pa.string()),
        ("ensembl_id", pa.string()),
        ("ensembl_version", pa.int32()),
        ("symbol", pa.string()),
        ("symbol_source", pa.string()),
        ("ensembl_symbol", pa.string()),
        ("authority_id", pa.string()),
        ("entrez_id", pa.string()),
        ("entrez_ids", _LIST),
        ("previous_symbols", _LIST),
        ("alias_symbols", _LIST),
        ("refseq_ids", _LIST),
        ("biotype", pa.string()),
        ("length", pa.int32()),
    ]
)


def split_field(value: object, separators: str = "|,") -> list[str]:
    """``"A|B, C"`` → ``["A", "B", "C"]``; None/NaN/"" → ``[]``."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, list | tuple):
        return clean_list(str(v) for v in value)
    text = str(value)
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    return clean_list(text.split(separators[0]))


def clean_list(values: Iterable[str], drop: Iterable[str] = ()) -> list[str]:
    """Stripped, de-duplicated (first spelling wins), without empties or anything in ``drop``."""
    dropped = {d.upper() for d in drop if d}
    seen: set[str] = set()
    out: list[str] = []
    for raw in values:
        value = raw.strip().strip('"')
        key = value.upper()
        if value and key not in seen and key not in dropped and key not in {"NAN", "NONE", "-"}:
            seen.add(key)
            out.append(value)
    return out


def _nullable(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna() & (series.astype(str).str.strip() != ""), None)


def _dedupe_authority(authority: pd.DataFrame) -> pd.DataFrame:
    """An Ensembl ID claimed by two authority genes stays with the first; the other keeps its own key."""
    authority = authority.sort_values("authority_id", kind="stable").reset_index(drop=True)
    dup = authority["ensembl_id"].notna() & authority["ensembl_id"].duplicated(keep="first")
    if dup.any():
        log.info("%d authority genes share an Ensembl ID with another; keyed by their own ID", int(dup.sum()))
        authority.loc[dup, "ensembl_id"] = None
    return authority


def _entrez_lookup(links: pd.DataFrame, key: str) -> dict[str, list[str]]:
    usable = links[links[key].notna()]
    return {str(k): clean_list(g["entrez_id"].astype(str)) for k, g in usable.groupby(key, sort=False)}


def _merge_entrez(merged: pd.DataFrame, links: pd.DataFrame) -> pd.Series:
    """Authority Entrez IDs first; links (by authority ID, then Ensembl ID) only where it has none."""
    by_authority = _entrez_lookup(links, "authority_id")
    by_ensembl = _entrez_lookup(links, "ensembl_id")
    out: list[list[str]] = []
    for own, auth_id, ens_id in zip(merged["entrez_ids"], merged["authority_id"], merged["ensembl_id"], strict=True):
        ids = list(own) if isinstance(own, list) else []
        if not ids and isinstance(auth_id, str):
            ids = by_authority.get(auth_id, [])
        if not ids and isinstance(ens_id, str):
            ids = by_ensembl.get(ens_id, [])
        out.append(ids)
    return pd.Series(out, index=merged.index, dtype=object)


def assemble_reference_table(
    authority: pd.DataFrame, gencode: pd.DataFrame, entrez_links: pd.DataFrame, *, authority_name: str
) -> pa.Table:
    """Join the three frames into one table in :data:`REFERENCE_SCHEMA`, sorted by ``gene_key``."""
    authority = authority.copy()
    authority["ensembl_id"] = _nullable(authority["ensembl_id"].astype(object).map(_strip_version))
    authority = _dedupe_authority(authority)
    gencode = gencode.copy()
    gencode["ensembl_id"] = gencode["ensembl_id"].astype(str).map(_strip_version)
    gencode = gencode.drop_duplicates("ensembl_id")
    merged = authority.merge(
        gencode.rename(columns={"biotype": "ensembl_biotype"}), on="ensembl_id", how="outer", sort=False
    )
    has_authority = merged["authority_id"].notna()
    merged["symbol_source"] = has_authority.map({True: authority_name, False: "GENCODE"})
    merged["symbol"] = merged["symbol"].where(has_authority, merged["ensembl_symbol"])
    merged["gene_key"] = merged["ensembl_id"].where(merged["ensembl_id"].notna(), merged["authority_id"])
    merged["biotype"] = merged["ensembl_biotype"].where(merged["ensembl_biotype"].notna(), merged["biotype"])
    for column in ("entrez_ids", "previous_symbols", "alias_symbols", "refseq_ids"):
        merged[column] = merged[column].map(lambda v: v if isinstance(v, list) else [])
    merged["entrez_ids"] = _merge_entrez(merged, entrez_links)
    merged = _tidy_symbols(merged)
    merged["entrez_id"] = merged["entrez_ids"].map(lambda ids: ids[0] if ids else None)
    merged = merged[merged["gene_key"].notna()].sort_values("gene_key", kind="stable")
    columns = {name: merged[name] for name in REFERENCE_SCHEMA.names}
    for name in ("ensembl_version", "length"):
        columns[name] = pd.array(pd.to_numeric(columns[name], errors="coerce"), dtype="Int32")
    frame = pd.DataFrame(columns).reset_index(drop=True)
    return pa.Table.from_pandas(frame, schema=REFERENCE_SCHEMA, preserve_index=False)


def _tidy_symbols(merged: pd.DataFrame) -> pd.DataFrame:
    """A gene's own symbol is never also its previous/alias symbol; a GENCODE name equal to it is noise."""
    symbols = merged["symbol"].map(lambda s: s if isinstance(s, str) else "")
    merged["previous_symbols"] = [
        clean_list(prev, drop=[sym]) for prev, sym in zip(merged["previous_symbols"], symbols, strict=True)
    ]
    merged["alias_symbols"] = [
        clean_list(alias, drop=[sym, *prev])
        for alias, sym, prev in zip(merged["alias_symbols"], symbols, merged["previous_symbols"], strict=True)
    ]
    same = merged["ensembl_symbol"].astype(str).str.upper() == symbols.str.upper()
    is_id = merged["ensembl_symbol"].astype(str).str.upper() == merged["ensembl_id"].astype(str).str.upper()
    merged["ensembl_symbol"] = merged["ensembl_symbol"].where(~(same | is_id), None)
    # a GENCODE gene named only by its own ID has no symbol at all
    merged.loc[merged["symbol"].astype(str).str.upper() == merged["ensembl_id"].astype(str).str.upper(), "symbol"] = (
        None
    )
    return merged


def _strip_version(value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().split(".", 1)[0].upper()
