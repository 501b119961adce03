"""Catalog tables of the gene layer: references, their synonyms, and one mapping report per source file.

* ``gene_references`` — one row per (organism, release): source, sha256, licence (the stamp);
* ``genes`` / ``gene_synonyms`` — the reference itself, keyed by (organism, release, gene): views over
  one Parquet file per organism in the store (:mod:`.references`), the release the pipeline maps with
  now (a new release replaces the files; every study is harmonized again on the next run, since the
  release is part of each study's content key);
* ``gene_mapping_reports`` — what mapping a study/platform/file's identifiers did, and how the
  shard was collapsed.

Loads are idempotent: a reference whose release and sha256 are installed already is skipped. Values
reach SQL only as bound parameters or registered Arrow tables.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.references import ReferencePart, install_reference, refresh_views
from rnacorpus.harmonize.genes.mapping import MappingReport
from rnacorpus.harmonize.genes.reference import GeneReference, ReferenceHeader, ReferenceInfo, reference_header
from rnacorpus.harmonize.genes.reference import load_reference as default_reference

if TYPE_CHECKING:
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.storage import Location

__all__ = [
    "DDL",
    "gene_reference_parts",
    "load_default_reference",
    "load_mapping_report",
    "load_reference",
    "mapping_report_row",
    "mapping_reports",
]

log = logging.getLogger(__name__)

DDL: list[str] = [
    """
CREATE TABLE IF NOT EXISTS gene_references (
    organism_taxid INTEGER NOT NULL,
    reference_release VARCHAR NOT NULL,
    source VARCHAR,
    sha256 VARCHAR NOT NULL,
    licence VARCHAR,
    n_genes INTEGER,
    loaded_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (organism_taxid, reference_release)
)""",
    """
CREATE TABLE IF NOT EXISTS gene_mapping_reports (
    study_accession VARCHAR NOT NULL,
    platform_accession VARCHAR NOT NULL DEFAULT '',
    source_file VARCHAR NOT NULL DEFAULT '',
    organism_taxid INTEGER,
    reference_release VARCHAR,
    reference_sha256 VARCHAR,
    id_kind VARCHAR,
    inputs INTEGER,
    unique_inputs INTEGER,
    mapped INTEGER,
    ambiguous INTEGER,
    unmapped INTEGER,
    dropped INTEGER,
    genes INTEGER,
    version_mismatches INTEGER,
    rules VARCHAR,
    kinds VARCHAR,
    examples VARCHAR,
    collapse_unit VARCHAR,
    collapse_rule VARCHAR,
    collapse_genes_out INTEGER,
    collapse_genes_from_several_features INTEGER,
    loaded_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (study_accession, platform_accession, source_file)
)""",
]

_GENE_COLUMNS = (
    "organism_taxid",
    "reference_release",
    "gene_key",
    "ensembl_id",
    "ensembl_version",
    "symbol",
    "symbol_source",
    "authority_id",
    "entrez_id",
    "biotype",
    "length",
)
_SYNONYM_COLUMNS = ("organism_taxid", "reference_release", "gene_key", "synonym", "kind")


def ensure_gene_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def _stored_sha(con: duckdb.DuckDBPyConnection, taxid: int, release: str) -> str | None:
    row = con.execute(
        "SELECT sha256 FROM gene_references WHERE organism_taxid = ? AND reference_release = ?",
        [taxid, release],
    ).fetchall()
    return None if not row else str(row[0][0])


def gene_reference_parts(info: ReferenceInfo, load: Callable[[], GeneReference]) -> list[ReferencePart]:
    """The ``genes`` and ``gene_synonyms`` files of one organism's reference (``load`` is called only
    when a file must be built: the per-machine reference cache usually holds them)."""
    part = str(info.taxid)
    release = f"{info.release} sha256:{info.sha256}"

    def genes() -> pa.Table:
        return load().genes_table().select(list(_GENE_COLUMNS))

    def synonyms() -> pa.Table:
        # a synonym listed twice for one gene under one kind is one row
        table = load().synonyms_table().select(list(_SYNONYM_COLUMNS))
        return table.group_by(list(_SYNONYM_COLUMNS)).aggregate([]).select(list(_SYNONYM_COLUMNS))

    return [
        ReferencePart("genes", part, release, genes, sort_by="gene_key"),
        ReferencePart("gene_synonyms", part, release, synonyms, sort_by="synonym"),
    ]


def load_reference(
    con: duckdb.DuckDBPyConnection,
    reference: GeneReference,
    store_root: ExpressionStore | Location,
    *,
    cache: Path | None = None,
) -> bool:
    """Install ``reference`` (``genes`` and ``gene_synonyms`` files in the store) and its stamp row.

    Returns False when it was already there unchanged. The tables are views over the files
    (:mod:`.references`); the stamp stays a row of ``gene_references``.
    """
    return _install(con, ReferenceHeader(reference.info, reference.n_genes), lambda: reference, store_root, cache)


def load_default_reference(
    con: duckdb.DuckDBPyConnection, taxid: int, store_root: ExpressionStore | Location, *, cache: Path | None = None
) -> bool:
    """:func:`load_reference` of the offline default reference of ``taxid``, which is read in full only
    when one of its files must be built: a new catalog stamps it from the file's footer and checksum."""
    return _install(con, reference_header(taxid), lambda: default_reference(taxid), store_root, cache)


def _install(
    con: duckdb.DuckDBPyConnection,
    header: ReferenceHeader,
    load: Callable[[], GeneReference],
    store_root: ExpressionStore | Location,
    cache: Path | None,
) -> bool:
    ensure_gene_tables(con)
    info = header.info
    parts = gene_reference_parts(info, load)
    installed = [install_reference(con, store_root, part, cache=cache) for part in parts]
    if any(installed):
        refresh_views(con, store_root, [part.view for part in parts])
    taxid, release = info.taxid, info.release
    if _stored_sha(con, taxid, release) == info.sha256 and not any(installed):
        return False
    con.execute(
        "INSERT OR REPLACE INTO gene_references (organism_taxid, reference_release, source, sha256, licence, "
        "n_genes, loaded_at) VALUES (?, ?, ?, ?, ?, ?, current_timestamp)",
        [taxid, release, info.source, info.sha256, info.licence, header.n_genes],
    )
    log.info("gene reference %s (%s) installed: %d genes", info.organism, release, header.n_genes)
    return True


def mapping_report_row(
    report: MappingReport,
    *,
    study_accession: str,
    platform_accession: str | None = None,
    source_file: str | None = None,
) -> dict[str, Any]:
    """One ``gene_mapping_reports`` row, keyed by (study, platform, file)."""
    collapse = report.collapse
    return {
        "study_accession": study_accession,
        "platform_accession": platform_accession or "",
        "source_file": source_file or "",
        "organism_taxid": _taxid(report.organism),
        "reference_release": report.reference_release,
        "reference_sha256": report.reference_sha256,
        "id_kind": report.id_kind,
        "inputs": report.inputs,
        "unique_inputs": report.unique_inputs,
        "mapped": report.mapped,
        "ambiguous": report.ambiguous,
        "unmapped": report.unmapped,
        "dropped": report.dropped,
        "genes": report.genes,
        "version_mismatches": report.version_mismatches,
        "rules": json.dumps(report.rules, sort_keys=True),
        "kinds": json.dumps(report.kinds, sort_keys=True),
        "examples": json.dumps(report.examples),
        "collapse_unit": collapse.unit if collapse else None,
        "collapse_rule": collapse.rule if collapse else None,
        "collapse_genes_out": collapse.genes_out if collapse else None,
        "collapse_genes_from_several_features": collapse.genes_from_several_features if collapse else None,
    }


def load_mapping_report(
    con: duckdb.DuckDBPyConnection,
    report: MappingReport,
    *,
    study_accession: str,
    platform_accession: str | None = None,
    source_file: str | None = None,
) -> None:
    """Upsert one report, keyed by (study, platform, file)."""
    ensure_gene_tables(con)
    row = mapping_report_row(
        report, study_accession=study_accession, platform_accession=platform_accession, source_file=source_file
    )
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(
        f"INSERT OR REPLACE INTO gene_mapping_reports ({columns}, loaded_at) "  # noqa: S608 - our column names
        f"VALUES ({marks}, current_timestamp)",
        list(row.values()),
    )


def _taxid(organism: str) -> int:
    from rnacorpus.harmonize.genes.organisms import resolve_organism

    return resolve_organism(organism).taxid


def mapping_reports(con: duckdb.DuckDBPyConnection, study_accession: str | None = None) -> list[dict[str, Any]]:
    """Stored reports (all, or one study's), newest first, JSON columns decoded — for ``rnacorpus status``."""
    ensure_gene_tables(con)
    query = "SELECT * FROM gene_mapping_reports"
    params: list[Any] = []
    if study_accession is not None:
        query += " WHERE study_accession = ?"
        params.append(study_accession)
    cursor = con.execute(query + " ORDER BY loaded_at DESC, study_accession, platform_accession", params)
    names = [d[0] for d in cursor.description or []]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for column in ("rules", "kinds", "examples"):
            row[column] = json.loads(row[column]) if row[column] else {}
    return rows


def _register() -> None:
    try:
        from rnacorpus.catalog.connection import register_ddl
    except ImportError:  # pragma: no cover - the catalog package always ships it
        return
    register_ddl(DDL)


_register()
