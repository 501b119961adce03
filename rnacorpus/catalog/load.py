"""Committing load packages: idempotent upserts keyed by accession and content hash, in bulk.

Order of work, so that a crash at any point leaves a catalog that is complete and correct:

1. A worker writes the study's shard and platform-annotation files (atomically, under names that
   include a content hash — files nobody references yet, harmless if the process dies) and then its
   load package (:mod:`.package`). A file a committed row points at is never rewritten in place.
2. The driver verifies the package and, in one transaction, replaces every row the study owns
   (study, its samples' rows, characteristics, shards, per-sample units, issues, and other parts'
   tables such as annotations) with the package's: one ``DELETE`` and one ``INSERT … SELECT … FROM
   read_parquet([...])`` per table, for a batch of packages at once. A study whose content hash the
   catalog already holds is left alone ("unchanged").
3. Only after the commit are files that the old version referenced and the new one does not deleted;
   a crash before that leaves orphans that :func:`sweep_orphans` removes later (under the run lock).

A batch holds studies with disjoint samples (:func:`disjoint_batches`), so committing it is the same
as committing its packages one by one in order: no two packages write the same row. Platforms are
shared by studies, so their rows are not the study's to replace: of all the records of one platform
that loaded studies carried, the catalog keeps the best by a fixed rule (:mod:`.load_platforms`),
whatever order the studies load in. A sample in several studies belongs to the most specific one,
and a sample that no study lists any more leaves the catalog (:mod:`.load_samples`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from rnacorpus.catalog import identity
from rnacorpus.catalog.identity_batch import BatchFiles
from rnacorpus.catalog.load_platforms import insert_platforms, platform_files
from rnacorpus.catalog.load_samples import assign_fresh_primary_study, assign_primary_study, drop_orphans
from rnacorpus.catalog.package import LoadPackage, batch_files, open_package, remove_package, write_package
from rnacorpus.catalog.pins import clear_released, pinned_paths
from rnacorpus.catalog.plan import (
    LoadPlan,
    SampleUnit,
    ShardPlan,
    TableRows,
    register_sample_owned_table,
    sample_owned_tables,
)
from rnacorpus.catalog.references import reference_paths
from rnacorpus.catalog.rows import arrow_schema
from rnacorpus.catalog.sql_keys import delete_in, rows_in
from rnacorpus.catalog.store import ExpressionStore

__all__ = [
    "Applied",
    "LoadOutcome",
    "LoadPlan",
    "SampleUnit",
    "ShardPlan",
    "TableRows",
    "apply_packages",
    "commit_packages",
    "disjoint_batches",
    "finish_applied",
    "load_study",
    "referenced_paths",
    "register_sample_owned_table",
    "sample_owned_tables",
    "sweep_orphans",
]

log = logging.getLogger(__name__)

LoadOutcome = Literal["new", "updated", "unchanged"]


@dataclass
class Applied:
    """What one batch did inside its transaction, and the files to remove once it has committed."""

    outcomes: dict[str, LoadOutcome] = field(default_factory=dict)
    replaced: set[str] = field(default_factory=set)
    platform_ids: list[str] = field(default_factory=list)
    platform_candidates: set[str] = field(default_factory=set)


def disjoint_batches(packages: Sequence[LoadPackage], limit: int) -> list[list[LoadPackage]]:
    """Consecutive runs of packages, at most ``limit`` each, in which no two share a study or a sample."""
    batches: list[list[LoadPackage]] = []
    seen: set[str] = set()
    for package in packages:
        keys = {package.accession, *package.sample_accessions}
        if not batches or len(batches[-1]) >= limit or keys & seen:
            batches.append([])
            seen = set()
        batches[-1].append(package)
        seen |= keys
    return batches


def apply_packages(
    con: duckdb.DuckDBPyConnection, store: ExpressionStore, packages: Sequence[LoadPackage], *, run_id: str
) -> Applied:
    """Write a batch's rows (inside the caller's transaction). Studies and samples must be disjoint."""
    applied = Applied()
    held = dict(
        rows_in(
            con,
            "SELECT accession, content_sha256 FROM studies WHERE accession IN (SELECT unnest(?))",
            [p.accession for p in packages],
        )
    )
    todo = []
    for package in packages:
        if package.accession in held and held[package.accession] == package.content_sha256:
            applied.outcomes[package.accession] = "unchanged"
        else:
            applied.outcomes[package.accession] = "updated" if package.accession in held else "new"
            todo.append(package)
    if not todo:
        return applied
    studies = [p.accession for p in todo]
    # loaded before (a study its twin absorbed is held in absorbed_studies, its stated rows still in place)
    absorbed_sql = "SELECT accession FROM absorbed_studies WHERE accession IN (SELECT unnest(?))"
    absorbed = {str(r[0]) for r in rows_in(con, absorbed_sql, studies)}
    renewed = [a for a in studies if a in held or a in absorbed]
    shards_sql = "SELECT path FROM expression_shards WHERE study_accession IN (SELECT unnest(?))"
    old_paths = {str(r[0]) for r in rows_in(con, shards_sql, renewed)}
    applied.platform_ids = sorted({a for p in todo for a in p.platform_accessions})
    applied.platform_candidates = platform_files(con, applied.platform_ids)
    listed_sql = "SELECT sample_accession FROM study_samples WHERE study_accession IN (SELECT unnest(?))"
    previous = [str(r[0]) for r in rows_in(con, listed_sql, renewed)]
    samples = sorted({s for p in todo for s in p.sample_accessions})
    # rows keyed by sample exist only for samples the catalog holds (through these or other studies)
    samples_sql = "SELECT accession FROM samples WHERE accession IN (SELECT unnest(?))"
    held_samples = {str(r[0]) for r in rows_in(con, samples_sql, samples)}
    stated_before = identity.stated_records(con, renewed)
    _delete_owned(con, todo, held_samples, set(renewed))
    # Rows of studies and samples the catalog has never held cannot collide with held rows (every key
    # of a study's rows names the study or one of its samples, and a batch's are disjoint): a plain
    # INSERT then does what INSERT OR REPLACE would, without an upsert's per-row conflict handling.
    fresh = not renewed and not held_samples
    for table in _table_order(todo):
        files = batch_files(todo, table)
        if table == "platforms":
            insert_platforms(con, files)
        elif files:
            replace = not fresh and any((e := p.entry(table)) is not None and e.replace for p in todo)
            _insert_files(con, table, files, replace=replace, run_id=run_id)
    if fresh:  # what the general rules would read back from the catalog is in the packages
        assign_fresh_primary_study(con, todo)
        batch = BatchFiles(batch_files(todo, "samples"), batch_files(todo, "accessions"))
        identity.settle_new_records(con, studies, set(samples), batch, sample_owned_tables())
    else:
        assign_primary_study(con, sorted(set(samples) | set(previous)))
        drop_orphans(con, sorted(set(previous) - set(samples)))
        # sample ids, twins, studies sharing samples (the identity rows came in with the other tables)
        identity.settle_identity(con, studies, set(samples) | stated_before, sample_owned_tables())
    applied.replaced = old_paths - {path for p in todo for path in p.store_files}
    applied.platform_candidates |= {path for p in todo for path in p.store_files if path.startswith("platforms/")}
    return applied


def _table_order(packages: Sequence[LoadPackage]) -> list[str]:
    order: dict[str, None] = {}
    for package in packages:
        order.update(dict.fromkeys(e.table for e in package.tables))
    return list(order)


def _delete_owned(
    con: duckdb.DuckDBPyConnection, packages: Sequence[LoadPackage], held_samples: set[str], renewed: set[str]
) -> None:
    """Delete every row the batch's studies own, one statement per table (skipped where nothing can be held)."""
    keys: dict[tuple[str, str], set[str]] = {}
    for package in packages:
        for entry in package.tables:
            if not entry.owner_keys:
                continue
            owned = set(entry.owner_keys)
            if entry.owner_column == "sample_accession":  # such rows exist only for samples the catalog holds
                owned &= held_samples
            elif entry.owner_keys == (package.accession,):  # rows the study stated: only if it was loaded
                owned &= renewed
            keys.setdefault((entry.table, entry.owner_column), set()).update(owned)
    for (table, column), values in keys.items():
        if table != "studies":  # the study row is replaced by key
            delete_in(con, table, column, sorted(values))


def _insert_files(con: duckdb.DuckDBPyConnection, table: str, files: list[str], *, replace: bool, run_id: str) -> None:
    columns = arrow_schema(table).names
    stamps = []
    params: list[Any] = []
    if "run_id" in columns:
        stamps.append("? AS run_id")
        params.append(run_id)
    if "loaded_at" in columns:
        stamps.append("now()::TIMESTAMP AS loaded_at")
    select = ", ".join(["*", *stamps])
    verb = "INSERT OR REPLACE INTO" if replace else "INSERT INTO"
    con.execute(f"{verb} {table} BY NAME SELECT {select} FROM read_parquet(?)", [*params, files])  # noqa: S608


def finish_applied(con: duckdb.DuckDBPyConnection, store: ExpressionStore, applied: Applied) -> None:
    """After the commit: delete files the new rows no longer point at (shards, replaced probe tables)."""
    remove_replaced(store, applied.replaced)
    # platform files this batch replaced, or wrote and then lost to a better record
    remove_replaced(store, applied.platform_candidates - platform_files(con, applied.platform_ids))


def commit_packages(
    con: duckdb.DuckDBPyConnection, store: ExpressionStore, packages: Sequence[LoadPackage], *, run_id: str
) -> dict[str, LoadOutcome]:
    """Commit one batch in its own transaction, then clean up what it replaced."""
    con.execute("BEGIN TRANSACTION")
    try:
        applied = apply_packages(con, store, packages, run_id=run_id)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finish_applied(con, store, applied)
    return applied.outcomes


def load_study(con: duckdb.DuckDBPyConnection, store: ExpressionStore, plan: LoadPlan) -> LoadOutcome:
    """Package one plan and commit it at once, in this process (tests, notebooks, small tools)."""
    accession = plan.bundle.study.accession
    row = con.execute("SELECT content_sha256 FROM studies WHERE accession = ?", [accession]).fetchall()
    if row and row[0][0] == plan.content_sha256:
        return "unchanged"
    ref = write_package(store, plan)
    try:
        return commit_packages(con, store, [open_package(store, ref)], run_id=plan.run_id)[accession]
    finally:
        remove_package(store, ref.path.rsplit("/", 1)[-1])


def referenced_paths(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every store file the catalog points at: expression shards, platform probe tables, reference files."""
    shards = con.execute("SELECT path FROM expression_shards").fetchall()
    platforms = con.execute("SELECT annotation_path FROM platforms WHERE annotation_path IS NOT NULL").fetchall()
    return {str(r[0]) for r in [*shards, *platforms]} | reference_paths(con)


def sweep_orphans(con: duckdb.DuckDBPyConnection, store: ExpressionStore) -> list[str]:
    """Delete store files no catalog row points at (left by a crash between write and commit, or
    between commit and cleanup). Call only while holding the run lock: an orphan may otherwise be a
    file another live run has written and is about to commit."""
    removed = store.sweep(referenced_paths(con) | pinned_paths(store))
    clear_released(store)  # files of pins dropped before this sweep are gone now: no further sweep is due
    return removed


def remove_replaced(store: ExpressionStore, paths: set[str]) -> None:
    """Delete files the live catalog stopped pointing at — except those a published snapshot pins."""
    if not paths:
        return
    for relpath in sorted(paths - pinned_paths(store)):
        try:
            store.delete(relpath)
        except OSError as exc:  # an orphan is harmless; sweep() retries later
            log.warning("could not remove replaced shard %s: %s", relpath, exc)
