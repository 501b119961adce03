"""Catalog format 3 → 4: the pinned reference tables move out of the catalog file into the store.

Written for the format-3 shape, where ``genes`` and ``gene_synonyms`` (keyed by organism and release)
and ``ontology_terms`` and ``ontology_closure`` are tables holding ~1.75 million rows. The step, in one
transaction (:mod:`.migrations`):

1. creates ``reference_files``;
2. writes what each table holds — exactly those rows, so readers see the same references before and
   after — as Parquet files in the catalog's store (``catalog_versions.store_dir``) under the names
   and keys a harvest installs (:mod:`.references`: genes per organism, ontology as one part), with
   the release the catalog's own stamps give (``gene_references``, ``catalog_versions``);
3. drops the four tables and creates views of the same names over those files; the next harvest
   replaces any part whose pinned release differs.

A table that is empty (or a catalog that never recorded its store, or whose store is on object
storage) needs no file: the next harvest installs the pinned references. The catalog file keeps its
size until DuckDB reuses the freed blocks for new rows; a new catalog never holds them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from rnacorpus.catalog.ddl import REFERENCE_FILES_DDL
from rnacorpus.catalog.references import refresh_views
from rnacorpus.fileio import fsync_dir, private_temp_name, sha256_file
from rnacorpus.storage import parse_location

__all__ = ["references_to_store"]

log = logging.getLogger(__name__)

#: table → (the column that splits it into parts, the sort key of each file)
_TABLES = {
    "genes": ("organism_taxid", "gene_key"),
    "gene_synonyms": ("organism_taxid", "synonym"),
    "ontology_terms": (None, "term_id"),
    "ontology_closure": (None, "ancestor_id"),
}


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ? "
        "AND table_type = 'BASE TABLE'",
        [table],
    ).fetchall()
    return bool(rows[0][0])


def _store(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The catalog's local store. A store on object storage gets no files from the migration: the run
    that opened the catalog installs the pinned references there before its first study."""
    rows = con.execute("SELECT value FROM catalog_versions WHERE key = 'store_dir'").fetchall()
    location = parse_location(str(rows[0][0])) if rows and rows[0][0] else None
    return location if isinstance(location, Path) else None


def _gene_release(con: duckdb.DuckDBPyConnection, taxid: str) -> str:
    rows = con.execute(
        "SELECT reference_release, sha256 FROM gene_references WHERE organism_taxid = ? ORDER BY loaded_at DESC",
        [int(taxid)],
    ).fetchall()
    return f"{rows[0][0]} sha256:{rows[0][1]}" if rows else "migrated from the catalog"


def _ontology_release(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("SELECT value FROM catalog_versions WHERE key = 'ontology_release'").fetchall()
    return f"{rows[0][0]}; migrated from the catalog" if rows else "migrated from the catalog"


def _write_part(con: duckdb.DuckDBPyConnection, store: Path, table: str, part: str, where: str, sort: str) -> None:
    folder = store / "references" / table
    folder.mkdir(parents=True, exist_ok=True)
    temp = private_temp_name(folder / part, ".part")
    literal = str(temp).replace("'", "''")
    # the table, part and sort names are this module's constants; the path is ours, quoted
    con.execute(
        f"COPY (SELECT * FROM {table} {where} ORDER BY {sort}) TO '{literal}' "  # noqa: S608
        "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)"
    )
    sha = sha256_file(temp)
    relpath = f"references/{table}/{part}_{sha[:16]}.parquet"
    temp.replace(store / relpath)
    fsync_dir(folder)
    rows = con.execute(f"SELECT count(*) FROM {table} {where}").fetchall()[0][0]  # noqa: S608
    release = _ontology_release(con) if part == "all" else _gene_release(con, part)
    con.execute(
        "INSERT OR REPLACE INTO reference_files VALUES (?, ?, ?, ?, ?, ?, current_timestamp)",
        [table, part, release, relpath, sha, rows],
    )


def references_to_store(con: duckdb.DuckDBPyConnection) -> None:
    """The step (inside the migration's transaction)."""
    con.execute(REFERENCE_FILES_DDL)
    store = _store(con)
    for table, (split, sort) in _TABLES.items():
        if not _exists(con, table):
            continue
        count = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608
        if count and store is not None:
            if split is None:
                _write_part(con, store, table, "all", "", sort)
            else:
                for (value,) in con.execute(f"SELECT DISTINCT {split} FROM {table} ORDER BY 1").fetchall():  # noqa: S608
                    _write_part(con, store, table, str(value), f"WHERE {split} = {int(value)}", sort)
            log.info("%s: %d rows moved to the store %s", table, count, store)
        con.execute(f"DROP TABLE {table}")
    if store is not None:
        refresh_views(con, store)
