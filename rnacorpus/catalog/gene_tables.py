"""Catalog tables of the gene layer: references, their synonyms, and one mapping report per source file.

* ``gene_references`` — one row per (organism, release): source, sha256, licence (the stamp);
* ``genes`` / ``gene_synonyms`` — the reference itself, keyed by (organism, release, gene);
* ``gene_mapping_reports`` — what mapping a study/platform/file's identifiers did, and how the
  shard was collapsed.

Loads are idempotent: a reference whose (organism, release, sha256) is already stored is skipped;
a changed one replaces its release's rows in one transaction. Values reach SQL only as bound
parameters or registered Arrow tables.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import duckdb

from rnacorpus.harmonize.genes.mapping import MappingReport
from rnacorpus.harmonize.genes.reference import GeneReference

__all__ = ["DDL", "load_mapping_report", "load_reference", "mapping_report_row", "mapping_reports"]

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
CREATE TABLE IF NOT EXISTS genes (
    organism_taxid INTEGER NOT NULL,
    reference_release VARCHAR NOT NULL,
    gene_key VARCHAR NOT NULL,
    ensembl_id VARCHAR,
    ensembl_version INTEGER,
    symbol VARCHAR,
    symbol_source VARCHAR,
    authority_id VARCHAR,
    entrez_id VARCHAR,
    biotype VARCHAR,
    length INTEGER,
    PRIMARY KEY (organism_taxid, reference_release, gene_key)
)""",
    """
CREATE TABLE IF NOT EXISTS gene_synonyms (
    organism_taxid INTEGER NOT NULL,
    reference_release VARCHAR NOT NULL,
    gene_key VARCHAR NOT NULL,
    synonym VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    PRIMARY KEY (organism_taxid, reference_release, gene_key, synonym, kind)
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
    ).fetchone()
    return None if row is None else str(row[0])


def load_reference(con: duckdb.DuckDBPyConnection, reference: GeneReference) -> bool:
    """Store ``reference`` (genes, synonyms, stamp). Returns False when it was already there unchanged."""
    ensure_gene_tables(con)
    taxid, release = reference.organism.taxid, reference.info.release
    if _stored_sha(con, taxid, release) == reference.info.sha256:
        return False
    genes = reference.genes_table().select(list(_GENE_COLUMNS))
    # a synonym listed twice for one gene under one kind is one row
    synonyms = (
        reference.synonyms_table()
        .select(list(_SYNONYM_COLUMNS))
        .group_by(list(_SYNONYM_COLUMNS))
        .aggregate([])
        .select(list(_SYNONYM_COLUMNS))
    )
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("genes", "gene_synonyms"):
            con.execute(
                f"DELETE FROM {table} WHERE organism_taxid = ? AND reference_release = ?",  # noqa: S608
                [taxid, release],
            )
        con.register("_rnacorpus_genes_src", genes)
        con.register("_rnacorpus_synonyms_src", synonyms)
        con.execute(f"INSERT INTO genes ({', '.join(_GENE_COLUMNS)}) SELECT * FROM _rnacorpus_genes_src")  # noqa: S608
        con.execute(
            f"INSERT INTO gene_synonyms ({', '.join(_SYNONYM_COLUMNS)}) "  # noqa: S608
            "SELECT * FROM _rnacorpus_synonyms_src"
        )
        con.execute(
            "INSERT OR REPLACE INTO gene_references (organism_taxid, "
            "reference_release, source, sha256, licence, "
            "n_genes, loaded_at) VALUES (?, ?, ?, ?, ?, ?, current_timestamp)",
            [
                taxid,
                release,
                reference.info.source,
                reference.info.sha256,
                reference.info.licence,
                reference.n_genes,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_rnacorpus_genes_src")
        con.unregister("_rnacorpus_synonyms_src")
    log.info(
        "gene reference %s (%s) stored: %d genes, %d synonyms",
        reference.organism.key,
        release,
        genes.num_rows,
        synonyms.num_rows,
    )
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
