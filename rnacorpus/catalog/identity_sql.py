"""The SQL lookups and writes the identity rules share: insert by key, one column by keys.

Every lookup binds its keys as one list (``IN (SELECT unnest(?))``); :func:`values_of` says what
that costs on DuckDB and why other filters are applied in Python to the rows found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.identifiers import SAMPLE_LINK_KINDS

__all__ = ["column_of", "insert_rows", "linking_rows", "values_of"]


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert (or replace by key) ``rows`` into ``table`` by column name, as one Arrow table."""
    if not rows:
        return
    view = f"_identity_{table}"
    con.register(view, pa.Table.from_pylist(list(rows)))
    try:
        con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM {view}")  # noqa: S608
    finally:
        con.unregister(view)


def column_of(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[str]:
    """The first column of ``sql``'s rows, as strings."""
    return [str(row[0]) for row in con.execute(sql, list(params)).fetchall()]


def values_of(con: duckdb.DuckDBPyConnection, sql: str, keys: Iterable[str], *extra: Any) -> list[Any]:
    """One column of rows looked up by ``keys``, bound as one list. DuckDB 2.0.1 plans
    ``IN (SELECT unnest(?))`` as a hash semi-join over a sequential scan of the table, not an index
    lookup (``EXPLAIN`` shows ``HASH_JOIN SEMI`` over ``SEQ_SCAN``), so each call reads the whole
    column: the commit of new records avoids these lookups (:func:`.identity.settle_new_records`). Only that one
    condition: a second one (``AND kind IN …``, ``list_contains``) measured slower still (2 ms → 60-90 ms
    at 10^5 samples), so other filters are applied to the rows found."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    return [row[0] for row in con.execute(sql, [wanted, *extra]).fetchall()]


def linking_rows(con: duckdb.DuckDBPyConnection, by: str, keys: Iterable[str]) -> list[tuple[str, str]]:
    """``(record_accession, accession)`` of the ``accessions`` rows whose ``by`` column is one of ``keys``
    and whose kind links records of one sample (filtered here, see :func:`values_of`)."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    sql = f"SELECT record_accession, accession, kind FROM accessions WHERE {by} IN (SELECT unnest(?))"  # noqa: S608
    return [(str(r), str(a)) for r, a, kind in con.execute(sql, [wanted]).fetchall() if kind in SAMPLE_LINK_KINDS]
