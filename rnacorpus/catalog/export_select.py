"""Which shard row serves each exported sample, and the sample metadata that goes with it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from rnacorpus.errors import ConfigError

__all__ = [
    "KIND_RANK",
    "ShardChoice",
    "choose_shards",
    "sample_metadata",
    "select_accessions",
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
    row = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [query]).fetchone()
    tree = json.loads(row[0]) if row else {}
    if tree.get("error"):
        raise ConfigError(f"--where does not parse: {tree.get('error_message', where)}")
    statements = tree.get("statements", [])
    node = statements[0].get("node", {}) if len(statements) == 1 else {}
    shape_ok = node.get("type") == "SELECT_NODE" and not node.get("cte_map", {}).get("map")
    shape_ok = shape_ok and all(node.get(key) in (value, None) for key, value in _SAFE_SHAPE.items())
    if not shape_ok or len(node.get("select_list", [])) != 1:
        raise ConfigError(f"--where must be one predicate on samples: {where!r}")
    return query


def select_accessions(con: duckdb.DuckDBPyConnection, where: str | None) -> list[str]:
    """Accessions of samples matching ``where`` (validated by :func:`validate_where`), sorted."""
    query = validate_where(con, where) if where is not None else "SELECT accession FROM samples"
    try:
        rows = con.execute(query + " ORDER BY accession").fetchall()
    except duckdb.Error as exc:
        raise ConfigError(f"--where failed: {exc}") from exc
    return [str(r[0]) for r in rows]


@dataclass
class ShardChoice:
    path: str
    sha256: str
    study_accession: str
    feature_ids: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)


def withdrawn_samples(con: duckdb.DuckDBPyConnection, accessions: Sequence[str]) -> set[str]:
    """Samples whose every study the archive has withdrawn (``studies.withdrawn``, set by refresh)."""
    if not accessions:
        return set()
    rows = con.execute(
        """
        SELECT ss.sample_accession
        FROM study_samples ss JOIN studies st ON st.accession = ss.study_accession
        WHERE ss.sample_accession IN (SELECT unnest(?))
        GROUP BY ss.sample_accession
        HAVING bool_and(coalesce(st.withdrawn, false))
        """,
        [list(accessions)],
    ).fetchall()
    return {str(row[0]) for row in rows}


def choose_shards(
    con: duckdb.DuckDBPyConnection, accessions: Sequence[str], level: str, *, include_withdrawn: bool = False
) -> tuple[list[ShardChoice], list[str]]:
    """One (shard, row) per sample: wanted level, best kind, the sample's own study first.

    Returns the choices grouped by shard (in path order, rows ascending) and the samples that have
    no expression values at all (metadata-only, e.g. sequencing samples without counts). Unless
    ``include_withdrawn``, shards of a withdrawn study never serve a sample that another (live) study
    also lists; leaving out samples whose every study is withdrawn (:func:`withdrawn_samples`) is the
    caller's part, so that it can report them.
    """
    if not accessions:
        return [], []
    levels = {"gene": ["gene"], "feature": ["feature"], "auto": ["gene", "feature"]}[level]
    ranks = json.dumps(KIND_RANK)
    rows = con.execute(
        f"""
        WITH wanted AS (SELECT unnest(?) AS accession),
        candidates AS (
            SELECT es.sample_accession, es.shard_path, es.row_index, sh.sha256, sh.study_accession,
                   row_number() OVER (
                       PARTITION BY es.sample_accession
                       ORDER BY list_position(?, sh.level),
                                coalesce(TRY_CAST(json_extract('{ranks}', '$.' || sh.kind) AS INTEGER), 9),
                                (sh.study_accession = s.study_accession) DESC,
                                es.shard_path
                   ) AS preference
            FROM expression_samples es
            JOIN expression_shards sh ON sh.path = es.shard_path
            JOIN samples s ON s.accession = es.sample_accession
            LEFT JOIN studies st ON st.accession = sh.study_accession
            WHERE es.sample_accession IN (SELECT accession FROM wanted) AND list_contains(?, sh.level)
              AND (? OR NOT coalesce(st.withdrawn, false))
        )
        SELECT sample_accession, shard_path, row_index, sha256, study_accession
        FROM candidates WHERE preference = 1
        ORDER BY shard_path, row_index
        """,  # noqa: S608 - ranks is our own constant
        [list(accessions), levels, levels, include_withdrawn],
    ).fetchall()
    by_shard: dict[str, ShardChoice] = {}
    for sample, path, row_index, sha256, study in rows:
        choice = by_shard.setdefault(path, ShardChoice(path=path, sha256=sha256, study_accession=study))
        choice.rows.append(int(row_index))
        choice.samples.append(sample)
    covered = {s for c in by_shard.values() for s in c.samples}
    return list(by_shard.values()), [a for a in accessions if a not in covered]


_METADATA_COLUMNS = (
    "accession, study_accession, archive, platform_accession, organism_taxid, organism_name, title, source_name, "
    "molecule, library_strategy, tissue_id, tissue_label, cell_type_id, cell_type_label, disease_id, "
    "disease_label, sex_id, sex_label, age_value, age_min, age_max, age_unit, development_stage_id, cell_line, "
    "assay_id, unit, is_log"
)


def sample_metadata(con: duckdb.DuckDBPyConnection, accessions: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Harmonized metadata rows for the exported samples, keyed by accession, in the given order."""
    if not accessions:
        return {}
    cursor = con.execute(
        f"SELECT {_METADATA_COLUMNS} FROM samples WHERE accession IN (SELECT unnest(?))",  # noqa: S608
        [list(accessions)],
    )
    names = [d[0] for d in cursor.description]
    found = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    return {acc: found[acc] for acc in accessions if acc in found}
