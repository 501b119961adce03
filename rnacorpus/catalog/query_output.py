"""A query's rows written as they stream out of DuckDB: JSON Lines, CSV or Parquet, memory flat.

Rows never gather in Python: DuckDB hands over Arrow record batches (``to_arrow_reader``), and
each batch is written before the next is read. JSON Lines are made by DuckDB itself (``to_json`` of
each row, so JSON columns such as ``record`` stay objects, dates become ISO strings); CSV is written
by Arrow (nested values as JSON text); Parquet by Arrow's writer, one row group per batch.
"""

from __future__ import annotations

from typing import IO, Any

import duckdb

__all__ = ["BATCH_ROWS", "FORMATS", "write_rows"]

FORMATS = ("jsonl", "csv", "parquet")
#: rows per Arrow batch: large enough to keep DuckDB's vectors busy, small enough to stay flat
BATCH_ROWS = 32_768
_NESTED = ("[]", "STRUCT", "MAP", "UNION")


def _wrapped(sql: str) -> str:
    # the statement is one SELECT (checked by the caller); the alias keeps its column names
    return f"({sql}) AS q"


def write_rows(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any] | None,
    out: IO[bytes],
    fmt: str,
    *,
    batch_rows: int = BATCH_ROWS,
) -> int:
    """Run ``sql`` and write its rows to ``out`` in ``fmt``; returns the number of rows written."""
    if fmt == "jsonl":
        return _jsonl(con, sql, params, out, batch_rows)
    if fmt == "csv":
        return _csv(con, sql, params, out, batch_rows)
    if fmt == "parquet":
        return _parquet(con, sql, params, out, batch_rows)
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")


def _jsonl(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None, out: IO[bytes], rows: int) -> int:
    lines = con.sql(f"SELECT to_json(q)::VARCHAR AS line FROM {_wrapped(sql)}", params=params)  # noqa: S608
    written = 0
    for batch in lines.to_arrow_reader(rows):
        text = batch.column(0).to_pylist()
        if text:
            out.write(("\n".join(text) + "\n").encode("utf-8"))
            written += len(text)
    return written


def _flat(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None) -> duckdb.DuckDBPyRelation:
    """The query with nested columns (lists, structs, maps) turned into JSON text, for CSV."""
    relation = con.sql(sql, params=params)
    names, types = relation.columns, [str(t) for t in relation.types]
    if not any(marker in kind for kind in types for marker in _NESTED):
        return relation
    picks = []
    for name, kind in zip(names, types, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        nested = any(marker in kind for marker in _NESTED)
        picks.append(f"to_json({quoted})::VARCHAR AS {quoted}" if nested else quoted)
    return con.sql(f"SELECT {', '.join(picks)} FROM {_wrapped(sql)}", params=params)  # noqa: S608


def _csv(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None, out: IO[bytes], rows: int) -> int:
    import pyarrow.csv as pcsv

    reader = _flat(con, sql, params).to_arrow_reader(rows)
    written = 0
    with pcsv.CSVWriter(out, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            written += batch.num_rows
    return written


def _parquet(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None, out: IO[bytes], rows: int) -> int:
    import pyarrow.parquet as pq

    reader = con.sql(sql, params=params).to_arrow_reader(rows)
    written = 0
    with pq.ParquetWriter(out, reader.schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(batch)
            written += batch.num_rows
    return written
