"""A gene reference per organism: one Parquet file, its stamp, and the tables the catalog stores.

The offline default ships in ``data/`` (built by ``scripts/build_gene_reference.py``); its sha256 is
pinned in ``data/references.json`` and checked on every load (got vs expected), so a reference that
changed under us is an error, not a silent drift. The production path writes the same format into
the cache (:mod:`rnacorpus.harmonize.genes.production`).
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rnacorpus.errors import BadContentError, ConfigError
from rnacorpus.fileio import atomic_write, sha256_file
from rnacorpus.harmonize.genes.assemble import REFERENCE_SCHEMA
from rnacorpus.harmonize.genes.kept_index import kept_table
from rnacorpus.harmonize.genes.organisms import Organism, resolve_organism

__all__ = [
    "DATA_DIR",
    "MANIFEST_NAME",
    "SYNONYM_KINDS",
    "GeneReference",
    "ReferenceHeader",
    "ReferenceInfo",
    "load_reference",
    "read_reference",
    "reference_header",
    "write_reference",
]

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST_NAME = "references.json"
_STAMP_KEY = b"rnacorpus.gene_reference"

#: kinds in ``gene_synonyms``, strongest claim first (the mapping order for symbols)
SYNONYM_KINDS = ("approved", "ensembl_symbol", "previous", "alias", "entrez", "refseq")


@dataclass(frozen=True)
class ReferenceInfo:
    """The stamp every mapping, report and export carries."""

    organism: str
    source: str
    release: str
    sha256: str
    licence: str

    @property
    def taxid(self) -> int:
        return resolve_organism(self.organism).taxid


@dataclass(frozen=True)
class GeneReference:
    info: ReferenceInfo
    organism: Organism
    #: one row per gene, columns of :data:`~rnacorpus.harmonize.genes.assemble.REFERENCE_SCHEMA`
    table: pa.Table
    #: ``transcript_id, ensembl_id`` (unversioned): every transcript of the pinned Ensembl releases
    transcripts: pa.Table | None = None
    #: ``name, ensembl_id, release``: the names Ensembl/GENCODE releases gave genes (clone names …)
    history: pa.Table | None = None
    #: sha256 of each file the reference was read from (table first, then companions), each checked
    #: against its pin when pinned; empty for a reference built in memory. Keys its kept gene index
    #: (:mod:`~rnacorpus.harmonize.genes.kept_index`)
    sources: tuple[str, ...] = ()

    @property
    def n_genes(self) -> int:
        return int(self.table.num_rows)

    def genes_table(self) -> pa.Table:
        """Rows for the catalog's ``genes`` table (lists live in ``gene_synonyms``)."""
        t = self.table
        n = t.num_rows
        return pa.table(
            {
                "organism_taxid": pa.array([self.organism.taxid] * n, pa.int32()),
                "reference_release": pa.array([self.info.release] * n, pa.string()),
                "gene_key": t["gene_key"],
                "ensembl_id": t["ensembl_id"],
                "ensembl_version": t["ensembl_version"],
                "symbol": t["symbol"],
                "symbol_source": t["symbol_source"],
                "authority_id": t["authority_id"],
                "entrez_id": t["entrez_id"],
                "biotype": t["biotype"],
                "length": t["length"],
            }
        )

    def synonyms_table(self) -> pa.Table:
        """Long table ``gene_key, synonym, kind`` with kinds from :data:`SYNONYM_KINDS`."""
        parts = [self._scalar_synonyms("symbol", "approved", pc.not_equal(self.table["symbol_source"], "GENCODE"))]
        parts.append(self._scalar_synonyms("ensembl_symbol", "ensembl_symbol", None))
        gencode_named = self._scalar_synonyms(
            "symbol", "ensembl_symbol", pc.equal(self.table["symbol_source"], "GENCODE")
        )
        parts.append(gencode_named)
        for column, kind in (
            ("previous_symbols", "previous"),
            ("alias_symbols", "alias"),
            ("entrez_ids", "entrez"),
            ("refseq_ids", "refseq"),
        ):
            parts.append(self._list_synonyms(column, kind))
        long = pa.concat_tables(parts)
        n = long.num_rows
        return pa.table(
            {
                "organism_taxid": pa.array([self.organism.taxid] * n, pa.int32()),
                "reference_release": pa.array([self.info.release] * n, pa.string()),
                "gene_key": long["gene_key"],
                "synonym": long["synonym"],
                "kind": long["kind"],
            }
        )

    def _scalar_synonyms(self, column: str, kind: str, mask: pa.ChunkedArray | None) -> pa.Table:
        t = self.table if mask is None else self.table.filter(mask)
        t = t.filter(pc.is_valid(t[column]))
        return pa.table(
            {
                "gene_key": t["gene_key"],
                "synonym": t[column],
                "kind": pa.array([kind] * t.num_rows, pa.string()),
            }
        )

    def _list_synonyms(self, column: str, kind: str) -> pa.Table:
        lists = self.table[column].combine_chunks()
        parent = pc.list_parent_indices(lists)
        return pa.table(
            {
                "gene_key": pc.take(self.table["gene_key"], parent),
                "synonym": pc.list_flatten(lists),
                "kind": pa.array([kind] * len(parent), pa.string()),
            }
        )


def write_reference(table: pa.Table, info: ReferenceInfo, folder: Path) -> tuple[Path, str]:
    """Write ``<organism>.genes.parquet`` atomically, stamp in its metadata; return path and sha256."""
    if table.schema.remove_metadata() != REFERENCE_SCHEMA:
        raise ValueError("reference table does not follow REFERENCE_SCHEMA")
    stamp = {k: v for k, v in asdict(info).items() if k != "sha256"}
    stamped = table.replace_schema_metadata({_STAMP_KEY: json.dumps(stamp, sort_keys=True).encode()})
    path = folder / f"{info.organism}.genes.parquet"
    with atomic_write(path) as handle:
        pq.write_table(stamped, handle, compression="zstd", compression_level=19)
    return path, sha256_file(path)


def _checked_digest(path: Path, expected_sha256: str | None) -> str:
    digest = sha256_file(path)
    if expected_sha256 is not None and digest != expected_sha256:
        raise BadContentError(f"gene reference checksum {digest} != pinned {expected_sha256}", path=path)
    return digest


def _info(path: Path, metadata: dict[bytes, bytes] | None, digest: str) -> ReferenceInfo:
    raw_stamp = (metadata or {}).get(_STAMP_KEY)
    if raw_stamp is None:
        raise BadContentError("gene reference carries no stamp", path=path)
    return ReferenceInfo(sha256=digest, **json.loads(raw_stamp))


def read_reference(path: Path, *, expected_sha256: str | None = None) -> GeneReference:
    """Open a reference file, checking its checksum when one is pinned (its table decoded once and
    kept memory-mappable in the local cache: :func:`~rnacorpus.harmonize.genes.kept_index.kept_table`)."""
    digest = _checked_digest(path, expected_sha256)
    table = kept_table(path, digest)
    info = _info(path, table.schema.metadata, digest)
    return GeneReference(
        info=info, organism=resolve_organism(info.organism), table=table.cast(REFERENCE_SCHEMA), sources=(digest,)
    )


@dataclass(frozen=True)
class ReferenceHeader:
    """A reference file's stamp and size, read from its footer (no table): what version stamps need."""

    info: ReferenceInfo
    n_genes: int


def _default_entry(organism_key: str) -> dict[str, Any]:
    manifest_path = DATA_DIR / MANIFEST_NAME
    if not manifest_path.exists():
        raise ConfigError(f"no offline gene references in {DATA_DIR}: run scripts/build_gene_reference.py")
    entry = json.loads(manifest_path.read_text(encoding="utf-8")).get(organism_key)
    if entry is None:
        raise ConfigError(f"no offline gene reference for {organism_key} in {manifest_path}")
    return dict(entry)


@functools.lru_cache(maxsize=8)
def _default_header(organism_key: str) -> ReferenceHeader:
    entry = _default_entry(organism_key)
    path = DATA_DIR / entry["file"]
    # the same checks as a full load (pinned checksum, stamp present), without decoding ~80k rows
    digest = _checked_digest(path, entry["sha256"])
    metadata = pq.read_metadata(path)
    return ReferenceHeader(_info(path, metadata.metadata, digest), int(metadata.num_rows))


def reference_header(organism: str | int | Organism) -> ReferenceHeader:
    """The offline default reference's stamp and gene count, as :func:`load_reference` would give them."""
    return _default_header(resolve_organism(organism).key)


@functools.lru_cache(maxsize=8)
def _load_default(organism_key: str) -> GeneReference:
    entry = _default_entry(organism_key)
    reference = read_reference(DATA_DIR / entry["file"], expected_sha256=entry["sha256"])
    companions = {}
    sources = list(reference.sources)
    for kind, item in sorted((entry.get("companions") or {}).items()):
        path = DATA_DIR / item["file"]
        digest = sha256_file(path)
        if digest != item["sha256"]:
            raise BadContentError(f"gene reference {kind} checksum {digest} != pinned {item['sha256']}", path=path)
        companions[kind] = kept_table(path, digest)
        sources.append(f"{kind} {digest}")
    reference = GeneReference(
        reference.info,
        reference.organism,
        reference.table,
        companions.get("transcripts"),
        companions.get("history"),
        tuple(sources),
    )
    log.debug("gene reference %s %s loaded (%d genes)", organism_key, reference.info.release, reference.n_genes)
    return reference


def load_reference(organism: str | int | Organism) -> GeneReference:
    """The offline default reference: ``"human"``, ``"mouse"``, ``"Homo sapiens"``, ``9606``, ``10090`` …"""
    return _load_default(resolve_organism(organism).key)
