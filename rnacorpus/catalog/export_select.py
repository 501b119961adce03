"""Which shard row serves each exported sample, and the sample metadata that goes with it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.catalog.references import reference_cursor
from rnacorpus.errors import ConfigError

__all__ = [
    "CHOICE_COLUMNS",
    "KIND_RANK",
    "accession_table",
    "choose_shards",
    "registered",
    "select_accessions",
    "select_table",
    "validate_where",
    "withdrawn_samples",
]

#: which source serves a sample, most uniformly processed first (DESIGN §4): GEO's own counts, then
#: the deposited tables, then authors' supplementary files (profiles before cells summed per sample).
#: The one ranking: the harmonize step picks each sample's unit by it too, so the unit a sample row
#: shows is the unit of the values the export gives.
KIND_RANK = {
    "ncbi_counts": 0,
    "sample_tables": 1,
    "series_matrix": 2,
    "supplementary": 3,
    "supplementary_pseudobulk": 4,
}


def _parenthesis_depths(where: str) -> None:
    """Refuse a predicate that closes a parenthesis it did not open, or carries ``;`` or a comment.

    Tokens come from DuckDB's own tokenizer, so parentheses inside string literals, quoted names and
    dollar-quoted text do not count.
    """
    tokens = duckdb.tokenize(where)
    depth = 0
    for i, (start, kind) in enumerate(tokens):
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(where)
        if kind == duckdb.token_type.comment:
            raise ConfigError(f"--where may not contain a comment: {where!r}")
        if kind != duckdb.token_type.operator:
            continue
        for char in where[start:end]:
            if char == ";":
                raise ConfigError(f"--where must be one predicate, not several statements: {where!r}")
            depth += (char == "(") - (char == ")")
            if depth < 0:
                raise ConfigError(f"--where closes a parenthesis it did not open: {where!r}")
    if depth != 0:
        raise ConfigError(f"--where leaves a parenthesis open: {where!r}")


_SAFE_SHAPE: dict[str, object] = {
    "modifiers": [],
    "group_expressions": [],
    "group_sets": [],
    "having": None,
    "sample": None,
    "qualify": None,
}


def validate_where(con: duckdb.DuckDBPyConnection, where: str) -> str:
    """Check that ``where`` is one SQL predicate on ``samples`` and return the query that applies it.

    Parentheses must balance inside the predicate (no ``)`` escaping the ``WHERE (…)`` it is put in),
    and the parsed query must keep exactly our shape: one SELECT on ``samples`` with no set operation,
    grouping, ordering or limit smuggled in. Whether its columns exist is found by running it.
    """
    if not where.strip():
        raise ConfigError("--where is empty")
    _parenthesis_depths(where)
    query = f"SELECT accession FROM samples WHERE ({where})"  # noqa: S608 - checked below, run read-only
    rows = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [query]).fetchall()
    tree = json.loads(rows[0][0]) if rows else {}
    if tree.get("error"):
        raise ConfigError(f"--where does not parse: {tree.get('error_message', where)}")
    statements = tree.get("statements", [])
    node = statements[0].get("node", {}) if len(statements) == 1 else {}
    shape_ok = node.get("type") == "SELECT_NODE" and not node.get("cte_map", {}).get("map")
    shape_ok = shape_ok and all(node.get(key) in (value, None) for key, value in _SAFE_SHAPE.items())
    if not shape_ok or len(node.get("select_list", [])) != 1:
        raise ConfigError(f"--where must be one predicate on samples: {where!r}")
    return query


def select_table(con: duckdb.DuckDBPyConnection, where: str | None) -> pa.Table:
    """Accessions (column ``accession``) of samples matching ``where`` (checked by :func:`validate_where`), sorted."""
    query = validate_where(con, where) if where is not None else "SELECT accession FROM samples"
    try:
        return con.sql(query + " ORDER BY accession").to_arrow_table().combine_chunks()
    except duckdb.Error as exc:
        raise ConfigError(f"--where failed: {exc}") from exc


def select_accessions(con: duckdb.DuckDBPyConnection, where: str | None) -> list[str]:
    """:func:`select_table` as a list."""
    accessions: list[str] = select_table(con, where).column("accession").to_pylist()
    return accessions


@contextlib.contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of ``con`` on which ``table`` is visible to SQL as ``name`` (no Python list of 10^5
    items in SQL). A cursor, because ``con`` may still hold an unfinished result, which DuckDB
    answers with an error on ``register``; the cursor sees the same database."""
    cursor = reference_cursor(con)  # a sandboxed connection's reference views are its own
    try:
        cursor.register(name, table)
        yield cursor
    finally:
        cursor.close()


def accession_table(accessions: pa.Array | pa.ChunkedArray | Sequence[str]) -> pa.Table:
    return pa.table({"accession": pa.array(accessions, pa.string()) if isinstance(accessions, list) else accessions})


def withdrawn_samples(con: duckdb.DuckDBPyConnection, accessions: pa.Table) -> pa.Array:
    """Samples of ``accessions`` whose every study the archive has withdrawn (``studies.withdrawn``)."""
    with registered(con, "_export_wanted", accessions) as cursor:
        table = cursor.sql(
            """
            SELECT ss.sample_accession
            FROM study_samples ss JOIN studies st ON st.accession = ss.study_accession
            WHERE ss.sample_accession IN (SELECT accession FROM _export_wanted)
            GROUP BY ss.sample_accession
            HAVING bool_and(coalesce(st.withdrawn, false))
            ORDER BY ss.sample_accession
            """
        ).to_arrow_table()
    return table.column(0).combine_chunks()


def choose_shards(
    con: duckdb.DuckDBPyConnection, accessions: pa.Table, level: str, *, include_withdrawn: bool = False
) -> tuple[pa.Table, list[str]]:
    """One (shard, row) per sample: wanted level, best kind, the sample's own study first.

    ``accessions`` is a table with an ``accession`` column. Returns one row per sample that has
    values (:data:`CHOICE_COLUMNS`: the sample's facts and the row that serves it), ordered by shard
    path then row, and the samples that have no expression values at all (metadata-only, e.g.
    sequencing samples without counts). Unless ``include_withdrawn``, shards of a withdrawn study
    never serve a sample that another (live) study also lists; leaving out samples whose every study
    is withdrawn (:func:`withdrawn_samples`) is the caller's part, so that it can report them.
    """
    levels = {"gene": ["gene"], "feature": ["feature"], "auto": ["gene", "feature"]}[level]
    ranks = json.dumps(KIND_RANK)
    # Two plain scans joined here rather than one windowed join in DuckDB: the same answer with a
    # fraction of the memory (DuckDB keeps its peak allocation; 10^5 samples: ~30 MB instead of ~110).
    with registered(con, "_export_wanted", accessions) as cursor:
        candidates = cursor.sql(
            f"""
            SELECT es.sample_accession, es.unit, es.is_log, es.shard_path, sh.sha256 AS shard_sha256, es.row_index,
                   sh.study_accession AS shard_study, list_position(?, sh.level) AS level_rank,
                   coalesce(TRY_CAST(json_extract('{ranks}', '$.' || sh.kind) AS INTEGER), 9) AS kind_rank
            FROM expression_samples es
            JOIN expression_shards sh ON sh.path = es.shard_path
            LEFT JOIN studies st ON st.accession = sh.study_accession
            WHERE es.sample_accession IN (SELECT accession FROM _export_wanted) AND list_contains(?, sh.level)
              AND (? OR NOT coalesce(st.withdrawn, false))
            """,  # noqa: S608 - ranks is our own constant
            params=[levels, levels, include_withdrawn],
        ).to_arrow_table()
        facts = cursor.sql(
            """SELECT accession, study_accession, organism_taxid, platform_accession FROM samples
               WHERE accession IN (SELECT accession FROM _export_wanted)"""
        ).to_arrow_table()
    position = pc.index_in(candidates["sample_accession"], value_set=facts["accession"].combine_chunks())
    for name in ("study_accession", "organism_taxid", "platform_accession"):
        candidates = candidates.append_column(name, facts[name].take(position))
    chosen = _best_candidates(candidates).select(list(CHOICE_COLUMNS))
    chosen = chosen.sort_by([("shard_path", "ascending"), ("row_index", "ascending")]).combine_chunks()
    for name in ("shard_path", "shard_sha256"):  # long strings shared by a shard's rows: stored once each
        chosen = chosen.set_column(chosen.schema.get_field_index(name), name, pc.dictionary_encode(chosen[name]))
    covered = pc.is_in(accessions.column("accession"), value_set=chosen.column("sample_accession"))
    missing = accessions.column("accession").filter(pc.invert(covered)).to_pylist()
    return chosen, missing


def _best_candidates(candidates: pa.Table) -> pa.Table:
    """One row per sample: the wanted level first, then the best kind, the sample's own study, the path."""
    if pc.count_distinct(candidates["sample_accession"]).as_py() == candidates.num_rows:
        return candidates  # every sample has one candidate (the usual case): nothing to rank
    own = pc.fill_null(pc.equal(candidates["shard_study"], candidates["study_accession"]), False)
    ranked = candidates.append_column("foreign", pc.invert(own)).sort_by(
        [
            ("sample_accession", "ascending"),
            ("level_rank", "ascending"),
            ("kind_rank", "ascending"),
            ("foreign", "ascending"),
            ("shard_path", "ascending"),
        ]
    )
    samples = ranked["sample_accession"].combine_chunks()
    first = np.ones(len(samples), dtype=bool)
    if len(samples) > 1:
        first[1:] = pc.not_equal(samples.slice(1), samples.slice(0, len(samples) - 1)).to_numpy(zero_copy_only=False)
    return ranked.filter(pa.array(first))


#: what :func:`choose_shards` returns per sample
CHOICE_COLUMNS = (
    "sample_accession",
    "study_accession",
    "organism_taxid",
    "platform_accession",
    "unit",
    "is_log",
    "shard_path",
    "shard_sha256",
    "row_index",
)
