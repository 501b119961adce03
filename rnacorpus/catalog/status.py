"""``rnacorpus status``: what the catalog holds, what failed, what the last runs did."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import duckdb

__all__ = ["catalog_status"]

_COUNTED_TABLES = (
    "studies",
    "samples",
    "sample_characteristics",
    "platforms",
    "expression_shards",
    "expression_samples",
    "parse_issues",
    "quarantine",
)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int | None:
    with contextlib.suppress(duckdb.CatalogException):
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - fixed table names
        return int(row[0]) if row else 0
    return None


def _mapping_summary(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    with contextlib.suppress(duckdb.CatalogException):
        return _rows(
            con,
            "SELECT study_accession, platform_accession, id_kind, inputs, mapped, ambiguous, unmapped, dropped, "
            "genes, collapse_rule FROM gene_mapping_reports ORDER BY study_accession, platform_accession",
        )
    return []


def _coverage(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    from rnacorpus.catalog.ontology_tables import field_coverage

    with contextlib.suppress(duckdb.CatalogException):
        return field_coverage(con)
    return []


def catalog_status(
    con: duckdb.DuckDBPyConnection, path: Path, store_dir: Path | str, *, coverage: bool = False
) -> dict[str, Any]:
    counts = {table: _count(con, table) for table in _COUNTED_TABLES}
    status: dict[str, Any] = {
        "catalog": str(path),
        "store": str(store_dir),
        "versions": dict(con.execute("SELECT key, value FROM catalog_versions ORDER BY key").fetchall()),
        "counts": counts,
        "samples_with_expression": con.execute(
            "SELECT count(DISTINCT sample_accession) FROM expression_samples"
        ).fetchone()[0],  # type: ignore[index]
        "by_organism": _rows(
            con,
            "SELECT organism_taxid, any_value(organism_name) AS organism, count(*) AS samples "
            "FROM samples GROUP BY organism_taxid ORDER BY samples DESC",
        ),
        "issues": _rows(
            con, "SELECT level, code, count(*) AS n FROM parse_issues GROUP BY level, code ORDER BY n DESC"
        ),
        "quarantine": _rows(
            con,
            "SELECT accession, step, error_kind, message, time, attempts FROM quarantine ORDER BY accession",
        ),
        "watermarks": _rows(con, "SELECT source, last_update, updated, run_id FROM watermarks ORDER BY source"),
        "withdrawn": _rows(
            con, "SELECT accession, archive, last_update, n_samples FROM studies WHERE withdrawn ORDER BY accession"
        ),
        "last_runs": _rows(
            con,
            "SELECT run_id, command, status, started, finished, n_new, n_updated, n_unchanged, n_failed "
            "FROM runs ORDER BY started DESC LIMIT 5",
        ),
        "mapping_reports": _mapping_summary(con),
    }
    if coverage:
        status["coverage"] = _coverage(con)
    return status
