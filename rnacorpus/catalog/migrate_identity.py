"""Catalog format 1 → 2: one identity per physical sample, links between studies, sequencing runs.

Written for the format-1 shape (``samples`` keyed by accession, ``xrefs`` as deposited, super/sub
series as list columns of ``studies``). The step, in one transaction (:mod:`.migrations`):

1. creates ``accessions``, ``study_links``, ``absorbed_studies``, ``runs_sequencing``, ``data_files``
   and ``external_characteristics`` and adds ``samples.sample_id``;
2. fills ``accessions`` from what format 1 already knew: each sample's own accession once per study
   that lists it, and every sample cross-reference that names a sample-level accession (SRX, SRR,
   SRS, SAMN …) — the same evidence a load states today (:func:`.identity_rows.accession_rows`);
3. fills ``study_links`` from each study's super/sub series and its study-level cross-references;
4. names every cluster of records (:func:`.identity_rows.cluster_ids`) and links studies sharing one.

Format 1 held only GEO studies, so no twin can need absorbing here.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.ddl import IDENTITY_DDL
from rnacorpus.catalog.identity_rows import accession_row, cluster_ids, study_link_rows
from rnacorpus.identifiers import SAMPLE_LINK_KINDS, classify
from rnacorpus.schemas import CrossRef, Study, StudyBundle

__all__ = ["migrate_to_identity"]

_STUDY_LEVEL = ("geo_series", "arrayexpress", "sra_study", "bioproject", "geo_platform", "submission")


def _add_sample_id(con: duckdb.DuckDBPyConnection) -> None:
    from rnacorpus.catalog.migrations import add_column

    add_column(con, "samples", "sample_id", "VARCHAR")


def _accession_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    archives = dict(con.execute("SELECT accession, archive FROM samples").fetchall())
    for study, record in con.execute("SELECT study_accession, sample_accession FROM study_samples").fetchall():
        known = classify(str(record))
        kind = known.kind if known else "record"
        archive = known.archive if known else str(archives.get(record, "geo"))
        rows[(record, record, study)] = accession_row(record, record, archive, kind, study, "record")
    for record, db, accession, relation, study in con.execute(
        "SELECT x.accession, x.db, x.xref_accession, x.relation, coalesce(x.study_accession, s.study_accession) "
        "FROM xrefs x JOIN samples s ON s.accession = x.accession"
    ).fetchall():
        known = classify(str(accession))
        if known is None or known.kind in _STUDY_LEVEL:
            continue
        rows.setdefault(
            (known.accession, record, study),
            accession_row(known.accession, record, known.archive, known.kind, study, str(relation or db)),
        )
    return list(rows.values())


def _link_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    xrefs: dict[str, list[CrossRef]] = {}
    for accession, db, linked, relation in con.execute(
        "SELECT accession, db, xref_accession, relation FROM xrefs WHERE accession IN (SELECT accession FROM studies)"
    ).fetchall():
        xrefs.setdefault(str(accession), []).append(CrossRef(db=db, accession=linked, relation=relation))
    rows: list[dict[str, Any]] = []
    for accession, archive, supers, subs in con.execute(
        "SELECT accession, archive, super_series, sub_series FROM studies"
    ).fetchall():
        study = Study(
            accession=accession,
            archive=archive,
            super_series=list(supers or []),
            sub_series=list(subs or []),
            xrefs=xrefs.get(str(accession), []),
        )
        rows += study_link_rows(StudyBundle(study=study))
    return rows


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        con.register("_migrated", pa.Table.from_pylist(rows))
        try:
            con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM _migrated")  # noqa: S608
        finally:
            con.unregister("_migrated")


def migrate_to_identity(con: duckdb.DuckDBPyConnection) -> None:
    for statement in IDENTITY_DDL:
        con.execute(statement)
    _add_sample_id(con)
    _insert(con, "accessions", _accession_rows(con))
    _insert(con, "study_links", _link_rows(con))
    archives = {str(a): str(b) for a, b in con.execute("SELECT accession, archive FROM samples").fetchall()}
    edges = con.execute(
        "SELECT record_accession, accession FROM accessions WHERE kind IN (SELECT unnest(?))",
        [sorted(SAMPLE_LINK_KINDS)],
    ).fetchall()
    ids = cluster_ids(archives, [(str(r), str(a)) for r, a in edges])
    con.register("_ids", pa.table({"record": list(ids), "sample_id": list(ids.values())}))
    try:
        con.execute("UPDATE samples SET sample_id = i.sample_id FROM _ids i WHERE samples.accession = i.record")
        con.execute("UPDATE accessions SET sample_id = i.sample_id FROM _ids i WHERE record_accession = i.record")
    finally:
        con.unregister("_ids")
    from rnacorpus.catalog.identity_ids import link_sharing_studies

    link_sharing_studies(con, sorted(set(ids.values())))
