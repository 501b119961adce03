"""Catalog files written by past releases (``tests/data/catalogs/format<N>/``), rebuilt for a test."""

from __future__ import annotations

from pathlib import Path

import duckdb

CATALOGS = Path(__file__).resolve().parents[1] / "data" / "catalogs"


def restore_catalog(fmt: int, target: Path) -> Path:
    """A DuckDB file holding exactly what release format ``fmt`` wrote (schema, then each table's rows)."""
    source = CATALOGS / f"format{fmt}"
    con = duckdb.connect(str(target))
    try:
        con.execute((source / "schema.sql").read_text(encoding="utf-8"))
        for table_file in sorted(source.glob("*.parquet")):
            con.execute(f"INSERT INTO {table_file.stem} SELECT * FROM read_parquet(?)", [str(table_file)])
    finally:
        con.close()
    return target
