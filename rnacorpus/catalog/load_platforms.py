"""Platform records shared by studies: of every copy loaded studies carried, the catalog keeps the best.

Platforms are shared by studies, so their rows are not one study's to replace. Each study carries
its own copy of a GPL record (some with the probe table, some without; older or newer); the catalog
keeps one by a fixed rule (:func:`platform_rank`), whatever order the studies load in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.rows import arrow_schema
from rnacorpus.catalog.sql_keys import rows_in

__all__ = ["insert_platforms", "platform_files", "platform_rank"]


def platform_files(con: duckdb.DuckDBPyConnection, accessions: Sequence[str]) -> set[str]:
    """The probe-table files the catalog's records of ``accessions`` point at."""
    sql = "SELECT annotation_path FROM platforms WHERE accession IN (SELECT unnest(?)) AND annotation_path IS NOT NULL"
    rows = rows_in(con, sql, accessions)
    return {str(r[0]) for r in rows}


def platform_rank(row: dict[str, Any]) -> tuple[int, str, int, str]:
    """Which of two records of one platform the catalog keeps: one with a probe table (a study that
    carried none must not erase another's), then the newer (GEO's last-update date), then the larger
    table; the content hash breaks any tie, so the choice never depends on which study loaded last."""
    record = row.get("record") or "{}"
    try:
        last_update = str(json.loads(record).get("last_update_date") or "")
    except (ValueError, AttributeError):
        last_update = ""
    has_table = 1 if row.get("annotation_sha256") else 0
    size = int(row.get("data_row_count") or -1)
    digest = hashlib.sha256(f"{record}\n{row.get('annotation_sha256') or ''}".encode()).hexdigest()
    return (has_table, last_update, size, digest)


def _records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def insert_platforms(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """Of the batch's platform records and the held ones, keep the best per platform (order-free)."""
    if not files:
        return
    best: dict[str, dict[str, Any]] = {}
    for row in _records(con.execute("SELECT * FROM read_parquet(?)", [files])):
        current = best.get(row["accession"])
        if current is None or platform_rank(row) > platform_rank(current):
            best[row["accession"]] = row
    cursor = con.execute(
        "SELECT accession, record, annotation_sha256, data_row_count FROM platforms "
        "WHERE accession IN (SELECT unnest(?))",
        [list(best)],
    )
    held = {r["accession"]: r for r in _records(cursor)}
    chosen = [r for a, r in best.items() if a not in held or platform_rank(r) > platform_rank(held[a])]
    if chosen:
        table = pa.Table.from_pylist(chosen, schema=pa.schema([arrow_schema("platforms").field(n) for n in chosen[0]]))
        con.register("_rnacorpus_platforms", table)
        try:
            con.execute("INSERT OR REPLACE INTO platforms BY NAME SELECT * FROM _rnacorpus_platforms")
        finally:
            con.unregister("_rnacorpus_platforms")
