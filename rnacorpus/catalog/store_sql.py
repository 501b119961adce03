"""The expression store seen from DuckDB: the ``expression`` view and the read-only sandbox around it.

A local store is read by path. A store on object storage is read through the protocol's fsspec
filesystem registered on the connection (``con.register_filesystem``), because DuckDB's own
``httpfs`` extension cannot be installed here (ARCHIVES §6a). Found on DuckDB 2.0: a registered
filesystem obeys the sandbox like the local one — with ``enable_external_access = false``,
``allowed_directories = ['s3://bucket/prefix/']`` lets ``read_parquet`` reach the store and nothing
else (another prefix, ``..``, ``s3a://`` aliases and local files are all refused), and globbing works
through fsspec. So user SQL sees exactly the store, wherever it lives.
"""

from __future__ import annotations

import logging

import duckdb

from rnacorpus.catalog.store import ExpressionStore

__all__ = ["allowed_directories", "close_sandbox", "create_expression_view", "register_store"]

log = logging.getLogger(__name__)


def register_store(con: duckdb.DuckDBPyConnection, store: ExpressionStore) -> None:
    """Let DuckDB read a store on object storage (a local store needs nothing). Idempotent: the
    filesystem belongs to the database instance, so a connection opened for the reference views
    (:func:`rnacorpus.catalog.references.use_store`) may have registered it already."""
    if store.tree is not None:
        try:
            con.register_filesystem(store.tree.fs)
        except duckdb.InvalidInputException as exc:
            if "already been registered" not in str(exc):
                raise


def allowed_directories(store: ExpressionStore) -> list[str]:
    """The one tree user SQL may read: the store (with a trailing slash, so ``prefix2/`` is not in)."""
    return [store.url().rstrip("/") + "/"]


def close_sandbox(con: duckdb.DuckDBPyConnection, store: ExpressionStore | None) -> None:
    """No file access outside the store, configuration locked. Order matters: ``allowed_directories``
    can only be set while external access is still on."""
    if store is not None:
        con.execute("SET allowed_directories = ?", [allowed_directories(store)])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def create_expression_view(con: duckdb.DuckDBPyConnection, store: ExpressionStore) -> None:
    """``expression``: every shard of the store in one view (none when the store holds no shard)."""
    if store.tree is not None:
        # listing a bucket is costly; the catalog knows whether any shard was ever committed
        held = con.execute("SELECT count(*) FROM expression_shards").fetchall()[0][0]
        if not held:
            return
    else:
        base = store.root / "expression"
        if not base.exists() or not any(base.rglob("*.parquet")):
            return
    glob = store.url("expression").rstrip("/") + "/**/*.parquet"
    # A view definition cannot take bound parameters; the path is our own, quoted as a literal.
    view = (
        "CREATE OR REPLACE TEMP VIEW expression AS "  # noqa: S608
        "SELECT archive, study AS study_accession, sample_accession, values, filename "
        f"FROM read_parquet('{_sql_literal(glob)}', hive_partitioning = true, filename = true)"
    )
    con.execute(view)


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")
