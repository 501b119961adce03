"""Loading one study: an idempotent upsert keyed by accession and content hash.

Order of work, so that a crash at any point leaves a catalog that is complete and correct:

1. If the catalog already holds the study with the same content hash, nothing is written ("unchanged").
2. Shard and platform-annotation files are written first, atomically, under names that include a
   content hash — files nobody references yet, harmless if the process dies here. A file a committed
   row points at is never rewritten in place.
3. One transaction replaces every row the study owns (study, its samples' rows, characteristics,
   shards, per-sample units, issues, and any extra tables such as annotations) and commits.
4. Only then are files that the old version referenced and the new one does not deleted; a crash
   before that leaves orphans that :func:`sweep_orphans` removes later (under the run lock).

Platforms are shared by studies, so their rows are not the study's to replace: of all the records
of one platform that loaded studies carried, the catalog keeps the best by a fixed rule
(:func:`_platform_rank`: with a probe table, newest, largest), whatever order the studies load in.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog import identity
from rnacorpus.catalog.rows import characteristic_rows, platform_row, sample_row, study_row, xref_rows
from rnacorpus.catalog.store import ExpressionStore, ShardInfo
from rnacorpus.fileio import atomic_write, sha256_bytes
from rnacorpus.schemas import MatrixLike, StudyBundle

__all__ = [
    "LoadOutcome",
    "LoadPlan",
    "SampleUnit",
    "ShardPlan",
    "TableRows",
    "insert_rows",
    "load_study",
    "referenced_paths",
    "sweep_orphans",
]

log = logging.getLogger(__name__)

LoadOutcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class SampleUnit:
    unit: str
    is_log: bool | None
    evidence: str | None
    confidence: float


@dataclass
class ShardPlan:
    matrix: MatrixLike
    level: str = "feature"
    collapse_rule: str | None = None
    sample_units: dict[str, SampleUnit] = field(default_factory=dict)


@dataclass
class TableRows:
    """Rows of another part's table (annotations, mapping reports ...) that this study owns."""

    table: str
    key_column: str
    keys: list[str]
    rows: list[dict[str, Any]]


@dataclass
class LoadPlan:
    bundle: StudyBundle
    content_sha256: str
    run_id: str
    harmonized: dict[str, dict[str, Any]] = field(default_factory=dict)
    shards: list[ShardPlan] = field(default_factory=list)
    extra: list[TableRows] = field(default_factory=list)
    #: run inside the load transaction after the study's rows are in (other parts' own loaders)
    hooks: list[Callable[[duckdb.DuckDBPyConnection], None]] = field(default_factory=list)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]], *, replace: bool) -> None:
    """Insert dict rows by column name through Arrow (no SQL built from values)."""
    if not rows:
        return
    arrow = pa.Table.from_pylist(list(rows))
    view = f"_rows_{table}"
    con.register(view, arrow)
    try:
        verb = "INSERT OR REPLACE INTO" if replace else "INSERT INTO"
        con.execute(f"{verb} {table} BY NAME SELECT * FROM {view}")  # noqa: S608 - table names are ours
    finally:
        con.unregister(view)


#: tables whose rows belong to one sample; other parts register theirs (annotations ...)
_SAMPLE_OWNED: list[tuple[str, str]] = [("sample_characteristics", "sample_accession"), *identity.SAMPLE_OWNED]


def register_sample_owned_table(table: str, column: str = "sample_accession") -> None:
    if (table, column) not in _SAMPLE_OWNED:
        _SAMPLE_OWNED.append((table, column))


def sample_owned_tables() -> list[tuple[str, str]]:
    return list(_SAMPLE_OWNED)


def _delete_in(con: duckdb.DuckDBPyConnection, table: str, column: str, keys: Sequence[str]) -> None:
    if keys:
        con.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT unnest(?))", [list(keys)])  # noqa: S608


def load_study(con: duckdb.DuckDBPyConnection, store: ExpressionStore, plan: LoadPlan) -> LoadOutcome:
    accession = plan.bundle.study.accession
    row = con.execute("SELECT content_sha256 FROM studies WHERE accession = ?", [accession]).fetchone()
    if row is not None and row[0] == plan.content_sha256:
        return "unchanged"
    old_paths = {
        r[0]
        for r in con.execute("SELECT path FROM expression_shards WHERE study_accession = ?", [accession]).fetchall()
    }
    shards = [_write_shard(store, plan, shard) for shard in plan.shards]
    annotation_files = _write_platform_tables(store, plan.bundle)
    platform_ids = [p.accession for p in plan.bundle.platforms]
    old_platform_files = _platform_files(con, platform_ids)
    con.execute("BEGIN TRANSACTION")
    try:
        _replace_rows(con, plan, shards, annotation_files)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    _remove_replaced(store, old_paths - {info.path for info, _ in shards})
    # platform files this load replaced, or wrote and then lost to a better record
    candidates = old_platform_files | {path for path, _ in annotation_files.values()}
    _remove_replaced(store, candidates - _platform_files(con, platform_ids))
    return "new" if row is None else "updated"


def _write_shard(store: ExpressionStore, plan: LoadPlan, shard: ShardPlan) -> tuple[ShardInfo, ShardPlan]:
    info = store.write(
        shard.matrix,
        archive=plan.bundle.study.archive,
        content_key=plan.content_sha256,
        level=shard.level,
        collapse_rule=shard.collapse_rule,
    )
    return info, shard


def _write_platform_tables(store: ExpressionStore, bundle: StudyBundle) -> dict[str, tuple[str, str]]:
    """Each platform's probe table as its own Parquet file, named by its content hash.

    The name changes with the content, so a load never rewrites a file that committed rows (this
    study's or another study's platform row) point at; a crash before the commit leaves an orphan.
    """
    written: dict[str, tuple[str, str]] = {}
    for accession, table in bundle.platform_tables.items():
        if table.num_rows == 0:
            continue
        buffer = io.BytesIO()  # probe tables are small (rows × a few columns): hash before naming
        pq.write_table(table, buffer, compression="zstd")
        data = buffer.getvalue()
        digest = sha256_bytes(data)
        relpath = store.platform_relpath(bundle.study.archive, accession, digest)
        with atomic_write(store.resolve(relpath)) as handle:  # same name, same bytes: a harmless rewrite
            handle.write(data)
        written[accession] = (relpath, digest)
    return written


def _platform_files(con: duckdb.DuckDBPyConnection, accessions: Sequence[str]) -> set[str]:
    if not accessions:
        return set()
    rows = con.execute(
        "SELECT annotation_path FROM platforms WHERE accession IN (SELECT unnest(?)) AND annotation_path IS NOT NULL",
        [list(accessions)],
    ).fetchall()
    return {str(r[0]) for r in rows}


def _platform_rank(row: dict[str, Any]) -> tuple[int, str, int, str]:
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


def _better_platforms(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of ``rows`` that beat what the catalog holds for their platform (or are new)."""
    if not rows:
        return []
    cursor = con.execute(
        "SELECT accession, record, annotation_sha256, data_row_count FROM platforms "
        "WHERE accession IN (SELECT unnest(?))",
        [[r["accession"] for r in rows]],
    )
    names = [d[0] for d in cursor.description]
    held = {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
    return [r for r in rows if r["accession"] not in held or _platform_rank(r) > _platform_rank(held[r["accession"]])]


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    plan: LoadPlan,
    shards: list[tuple[ShardInfo, ShardPlan]],
    annotation_files: dict[str, tuple[str, str]],
) -> None:
    bundle = plan.bundle
    accession = bundle.study.accession
    sample_ids = sorted({s.accession for s in bundle.samples})
    previous_ids = [
        r[0]
        for r in con.execute(
            "SELECT sample_accession FROM study_samples WHERE study_accession = ?", [accession]
        ).fetchall()
    ]
    for table in ("expression_shards", "expression_samples", "parse_issues", "study_samples", "xrefs"):
        _delete_in(con, table, "study_accession", [accession])
    _delete_in(con, "sample_characteristics", "sample_accession", sample_ids)
    for extra in plan.extra:
        _delete_in(con, extra.table, extra.key_column, extra.keys)

    insert_rows(
        con,
        "studies",
        [study_row(bundle, content_sha256=plan.content_sha256, run_id=plan.run_id)],
        replace=True,
    )
    con.execute("UPDATE studies SET loaded_at = now() WHERE accession = ?", [accession])
    platforms = [
        platform_row(
            p,
            annotation_path=annotation_files.get(p.accession, (None, None))[0],
            annotation_sha256=annotation_files.get(p.accession, (None, None))[1],
        )
        for p in bundle.platforms
    ]
    insert_rows(con, "platforms", _better_platforms(con, platforms), replace=True)
    unique_samples = {s.accession: s for s in bundle.samples}
    insert_rows(
        con,
        "samples",
        [sample_row(s, plan.harmonized.get(s.accession, {})) for s in unique_samples.values()],
        replace=True,
    )
    insert_rows(
        con,
        "study_samples",
        [{"study_accession": accession, "sample_accession": s} for s in sample_ids],
        replace=True,
    )
    insert_rows(con, "sample_characteristics", characteristic_rows(unique_samples.values()), replace=False)
    insert_rows(con, "xrefs", xref_rows(bundle), replace=True)
    insert_rows(con, "expression_shards", [_shard_row(info) for info, _ in shards], replace=True)
    insert_rows(con, "expression_samples", _expression_sample_rows(accession, shards), replace=True)
    insert_rows(con, "parse_issues", [_issue_row(accession, i) for i in bundle.issues], replace=False)
    for extra in plan.extra:
        insert_rows(con, extra.table, extra.rows, replace=False)
    for hook in plan.hooks:
        hook(con)
    _assign_primary_study(con, sorted(set(sample_ids) | set(previous_ids)))
    _drop_orphans(con, sorted(set(previous_ids) - set(sample_ids)))
    identity.apply_identity(con, bundle, sample_owned_tables())  # sample_id, accessions, twins


def _shard_row(info: ShardInfo) -> dict[str, Any]:
    row = dict(info.__dict__)
    row["created"] = None
    return row


def _expression_sample_rows(study_accession: str, shards: list[tuple[ShardInfo, ShardPlan]]) -> list[dict[str, Any]]:
    rows = []
    for info, shard in shards:
        matches = {m.sample: m for m in shard.matrix.source.column_matches}
        for index, sample in enumerate(shard.matrix.sample_accessions):
            match = matches.get(sample)
            unit = shard.sample_units.get(sample)
            rows.append(
                {
                    "sample_accession": sample,
                    "shard_path": info.path,
                    "row_index": index,
                    "study_accession": study_accession,
                    "unit": unit.unit if unit else info.unit,
                    "is_log": unit.is_log if unit else info.is_log,
                    "unit_evidence": unit.evidence if unit else None,
                    "unit_confidence": unit.confidence if unit else None,
                    # GEO's own tables name their samples; an author's file is matched (suppl_match)
                    "source_columns": match.columns if match else None,
                    "match_method": match.method if match else "accession",
                    "match_confidence": match.confidence if match else 1.0,
                    "n_cells": match.n_cells if match else None,
                }
            )
    return rows


def _issue_row(study_accession: str, issue: Any) -> dict[str, Any]:
    return {"study_accession": study_accession, **issue.model_dump()}


def _assign_primary_study(con: duckdb.DuckDBPyConnection, sample_ids: Sequence[str]) -> None:
    """A sample in several series belongs to the most specific one: a non-SuperSeries, lowest number.

    Computed from every loaded study that lists the sample, so the answer does not depend on the
    order in which a SuperSeries and its SubSeries were harvested.
    """
    if not sample_ids:
        return
    con.execute(
        """
        UPDATE samples SET study_accession = best.study_accession
        FROM (
            SELECT ss.sample_accession,
                   arg_min(ss.study_accession,
                           [coalesce(st.is_superseries, false)::INTEGER,
                            coalesce(TRY_CAST(regexp_extract(ss.study_accession, '(\\d+)$', 1) AS BIGINT), 0)]
                   ) AS study_accession
            FROM study_samples ss JOIN studies st ON st.accession = ss.study_accession
            WHERE ss.sample_accession IN (SELECT unnest(?))
            GROUP BY ss.sample_accession
        ) AS best
        WHERE samples.accession = best.sample_accession
        """,
        [list(sample_ids)],
    )


def _drop_orphans(con: duckdb.DuckDBPyConnection, dropped_ids: Sequence[str]) -> None:
    """Samples a new version of the study no longer lists, and no other study holds, leave the catalog."""
    if not dropped_ids:
        return
    orphans = [
        r[0]
        for r in con.execute(
            """SELECT s FROM (SELECT unnest(?) AS s)
               WHERE s NOT IN (SELECT sample_accession FROM study_samples)""",
            [list(dropped_ids)],
        ).fetchall()
    ]
    for table, column in sample_owned_tables():
        _delete_in(con, table, column, orphans)
    _delete_in(con, "samples", "accession", orphans)


def referenced_paths(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every store file the catalog points at: expression shards and platform probe tables."""
    shards = con.execute("SELECT path FROM expression_shards").fetchall()
    platforms = con.execute("SELECT annotation_path FROM platforms WHERE annotation_path IS NOT NULL").fetchall()
    return {str(r[0]) for r in [*shards, *platforms]}


def sweep_orphans(con: duckdb.DuckDBPyConnection, store: ExpressionStore) -> list[str]:
    """Delete store files no catalog row points at (left by a crash between write and commit, or
    between commit and cleanup). Call only while holding the run lock: an orphan may otherwise be a
    file another live run has written and is about to commit."""
    return store.sweep(referenced_paths(con))


def _remove_replaced(store: ExpressionStore, paths: set[str]) -> None:
    for relpath in paths:
        try:
            store.resolve(relpath).unlink(missing_ok=True)
        except OSError as exc:  # an orphan is harmless; sweep() retries later
            log.warning("could not remove replaced shard %s: %s", relpath, exc)
