"""Statements keyed by a list of values, bound as one parameter (``IN (SELECT unnest(?))``).

An empty list binds nothing and touches nothing (DuckDB would otherwise plan the statement for no
rows). Shared by the load's commit (:mod:`.load`) and the identity rules (:mod:`.identity`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

__all__ = ["delete_in", "rows_in"]


def rows_in(con: duckdb.DuckDBPyConnection, sql: str, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows of ``sql``, whose one parameter is the list ``keys`` (none: no rows, no query)."""
    return con.execute(sql, [list(keys)]).fetchall() if keys else []


def delete_in(con: duckdb.DuckDBPyConnection, table: str, column: str, keys: Sequence[str]) -> None:
    """Delete the rows of ``table`` whose ``column`` is one of ``keys`` (none: nothing)."""
    if keys:
        con.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT unnest(?))", [list(keys)])  # noqa: S608
