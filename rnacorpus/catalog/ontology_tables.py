"""Catalog tables of the ontology layer, their loads, and ancestor-aware field filters.

* ``annotations`` — one row per harmonized decision of a sample (long form, raw evidence kept);
* ``ontology_terms`` — every term a decision or a query can name, with label, scope and release;
* ``ontology_closure`` — (ancestor_id, descendant_id, distance) over is_a and part_of, self pairs
  included, so "brain and everything in it" is a plain join;
* ``ontology_releases`` — the releases the two tables above were loaded from (the stamp).

Loads are idempotent: terms and closure are replaced only when the pinned releases differ from the
stored stamp. Values reach SQL only as bound parameters or registered Arrow tables;
:func:`field_filter` builds predicates from a fixed column whitelist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.term_filters import FILTER_COLUMNS, field_filter
from rnacorpus.harmonize.ontology.releases import ontology_releases, release_stamp
from rnacorpus.schemas import Annotation

__all__ = [
    "ANNOTATION_COLUMNS",
    "DDL",
    "FILTER_COLUMNS",
    "annotation_rows",
    "field_coverage",
    "field_filter",
    "load_ontology_tables",
    "stored_releases",
]

log = logging.getLogger(__name__)

DDL: list[str] = [
    """
CREATE TABLE IF NOT EXISTS annotations (
    sample_accession VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    raw_key VARCHAR,
    raw_value VARCHAR,
    term_id VARCHAR,
    term_label VARCHAR,
    method VARCHAR,
    confidence DOUBLE,
    ontology_release VARCHAR,
    reason VARCHAR,
    age_value DOUBLE,
    age_min DOUBLE,
    age_max DOUBLE,
    age_unit VARCHAR,
    age_qualifier VARCHAR
)""",
    """
CREATE TABLE IF NOT EXISTS ontology_terms (
    term_id VARCHAR PRIMARY KEY,
    ontology VARCHAR NOT NULL,
    label VARCHAR,
    deprecated BOOLEAN,
    replaced_by VARCHAR,
    scope VARCHAR,
    synonyms VARCHAR[],
    release VARCHAR
)""",
    """
CREATE TABLE IF NOT EXISTS ontology_closure (
    ancestor_id VARCHAR NOT NULL,
    descendant_id VARCHAR NOT NULL,
    distance SMALLINT
)""",
    """
CREATE TABLE IF NOT EXISTS ontology_releases (
    ontology VARCHAR PRIMARY KEY,
    release VARCHAR NOT NULL,
    loaded_at TIMESTAMP DEFAULT current_timestamp
)""",
]

ANNOTATION_COLUMNS = (
    "sample_accession", "field", "raw_key", "raw_value", "term_id", "term_label", "method", "confidence",
    "ontology_release", "reason", "age_value", "age_min", "age_max", "age_unit", "age_qualifier",
)  # fmt: skip


def stored_releases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("SELECT ontology, release FROM ontology_releases").fetchall()
    return {str(name): str(release) for name, release in rows}


def _insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, order_by: str | None = None) -> None:
    view = f"_load_{table}"
    con.register(view, data)
    try:
        order = f" ORDER BY {order_by}" if order_by else ""
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}{order}")  # noqa: S608 - our names only
    finally:
        con.unregister(view)


def load_ontology_tables(con: duckdb.DuckDBPyConnection, *, force: bool = False, transaction: bool = True) -> bool:
    """Create the tables and (re)load terms and closure unless the stored stamp is current.

    Returns True when it loaded. The catalog's ``catalog_versions`` (when present) gets the key
    ``ontology_release`` with the one-line stamp, for manifests. Pass ``transaction=False`` when the
    caller already holds a transaction (DuckDB does not nest them).
    """
    from rnacorpus.harmonize.ontology.resolve import ontology_tables

    for statement in DDL:
        con.execute(statement)
    wanted = ontology_releases()
    if not force and stored_releases(con) == wanted:
        return False
    terms, closure = ontology_tables()
    if transaction:
        con.execute("BEGIN TRANSACTION")
    try:
        for table in ("ontology_terms", "ontology_closure", "ontology_releases"):
            con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        _insert_arrow(con, "ontology_terms", terms)
        # Sorted by ancestor so that DuckDB's zone maps prune the usual "descendants of X" scan.
        _insert_arrow(con, "ontology_closure", closure, order_by="ancestor_id")
        con.executemany("INSERT INTO ontology_releases (ontology, release) VALUES (?, ?)", list(wanted.items()))
        if con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'catalog_versions'"
        ).fetchone() != (0,):
            con.execute(
                "INSERT OR REPLACE INTO catalog_versions VALUES ('ontology_release', ?, now())",
                [release_stamp()],
            )
        if transaction:
            con.execute("COMMIT")
    except BaseException:
        if transaction:
            con.execute("ROLLBACK")
        raise
    log.info("loaded %d ontology terms and %d closure pairs", terms.num_rows, closure.num_rows)
    return True


def annotation_rows(sample_accession: str, annotations: Iterable[Annotation]) -> list[dict[str, Any]]:
    """Rows for ``annotations`` (the loader replaces a sample's rows as a whole)."""
    return [
        {"sample_accession": sample_accession, **annotation.model_dump(include=set(ANNOTATION_COLUMNS))}
        for annotation in annotations
    ]


def field_coverage(con: duckdb.DuckDBPyConnection, fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Per field, samples whose decision has a term (mapped), has none (unmapped), or that have no decision
    (absent)."""
    chosen = list(fields or ("tissue", "cell_type", "cell_line", "disease", "sex", "age", "development_stage", "assay"))
    total_row = con.execute("SELECT count(*) FROM samples").fetchone()
    total = int(total_row[0]) if total_row else 0
    rows = con.execute(
        """
        SELECT field,
               count(DISTINCT sample_accession) FILTER (
                   WHERE term_id IS NOT NULL OR (field = 'age' AND method = 'parsed')) AS mapped,
               count(DISTINCT sample_accession) AS seen
        FROM annotations WHERE field IN (SELECT unnest(?::VARCHAR[])) GROUP BY field
        """,
        [chosen],
    ).fetchall()
    counts = {str(name): (int(mapped), int(seen)) for name, mapped, seen in rows}
    report = []
    for name in chosen:
        mapped, seen = counts.get(name, (0, 0))
        report.append(
            {
                "field": name,
                "mapped": mapped,
                "unmapped": seen - mapped,
                "absent": total - seen,
                "total": total,
            }
        )
    return report
