"""Rules 2 and 5 of :mod:`.identity`: one ``sample_id`` per physical sample, and the studies sharing one.

Records joined by a shared BioSample, SRA/ENA sample, experiment or run, or a GSM they name, are
one cluster; every record of it gets the accession of its best record as ``sample_id``
(:func:`recompute_sample_ids`, over the closure of the records a change can touch). Studies whose
records share a ``sample_id`` are linked ``shares_samples`` (:func:`link_sharing_studies`).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from rnacorpus.catalog.identity_rows import cluster_ids
from rnacorpus.catalog.identity_sql import insert_rows, linking_rows, values_of
from rnacorpus.identifiers import SAMPLE_LINK_KINDS

__all__ = ["DERIVED_ORIGIN", "link_sharing_studies", "recompute_sample_ids", "write_ids"]

#: ``study_links.origin`` of links computed from shared samples (recomputed, never stated by a study)
DERIVED_ORIGIN = "identity"


def _closure(con: duckdb.DuckDBPyConnection, seeds: Sequence[str]) -> set[str]:
    """Every record whose sample id may change with the seeds': their clusters, old and new."""
    records: set[str] = set()
    frontier = set(seeds)
    while frontier:
        records |= frontier
        keys = {accession for _, accession in linking_rows(con, "record_accession", frontier)}
        sharing = {record for record, _ in linking_rows(con, "accession", keys)}
        old_ids = values_of(
            con, "SELECT DISTINCT sample_id FROM samples WHERE accession IN (SELECT unnest(?))", frontier
        )
        same_id = values_of(
            con, "SELECT accession FROM samples WHERE sample_id IN (SELECT unnest(?))", [i for i in old_ids if i]
        )
        frontier = {str(r) for r in [*sharing, *same_id]} - records
    return records


def recompute_sample_ids(con: duckdb.DuckDBPyConnection, seeds: Sequence[str]) -> None:
    """Rule 2 for the seeds' clusters: union the records by shared accessions, name each cluster."""
    records = sorted(_closure(con, seeds))
    if not records:
        return
    held = con.execute(
        "SELECT accession, archive, sample_id FROM samples WHERE accession IN (SELECT unnest(?))", [records]
    ).fetchall()
    archives = {str(r[0]): str(r[1]) for r in held}
    live = sorted(archives)
    sql = (
        "SELECT record_accession, accession, kind, sample_id FROM accessions "
        "WHERE record_accession IN (SELECT unnest(?))"
    )
    stated = con.execute(sql, [live]).fetchall() if live else []
    edges = [(str(r), str(a)) for r, a, kind, _ in stated if kind in SAMPLE_LINK_KINDS]
    ids = cluster_ids(archives, edges)
    # records whose rows hold another id than their cluster's (a load writes each record's own accession)
    stale = {str(r[0]) for r in held if r[2] != ids.get(str(r[0]))}
    stale |= {str(r) for r, _, _, i in stated if i != ids.get(str(r))}
    write_ids(con, ids, stale)
    link_sharing_studies(con, sorted(set(ids.values())))


#: above this many distinct new ids, one ``UPDATE … FROM`` join (a scan) beats an index lookup per id
_LOOKUP_UPDATES = 64


def write_ids(con: duckdb.DuckDBPyConnection, ids: dict[str, str], stale: set[str]) -> None:
    """Write each ``stale`` record's sample id on ``samples`` and its ``accessions`` rows, and every
    record's on its runs. The usual batch of new records changes nothing (each is its own sample and
    came with its own accession as id), and a few changes cost index lookups, not a scan."""
    by_id: dict[str, list[str]] = {}
    for record in stale & set(ids):
        by_id.setdefault(ids[record], []).append(record)
    lookups = len(by_id) <= _LOOKUP_UPDATES
    if lookups:
        for sample_id, records in sorted(by_id.items()):
            for table, column in (("samples", "accession"), ("accessions", "record_accession")):
                con.execute(
                    f"UPDATE {table} SET sample_id = ? WHERE {column} IN (SELECT unnest(?))",  # noqa: S608
                    [sample_id, sorted(records)],
                )
    con.register("_ids", pa.table({"record": list(ids), "sample_id": list(ids.values())}))
    try:
        if not lookups:
            con.execute("UPDATE samples SET sample_id = i.sample_id FROM _ids i WHERE samples.accession = i.record")
            con.execute(
                "UPDATE accessions SET sample_id = i.sample_id FROM _ids i WHERE accessions.record_accession = i.record"
            )
        con.execute(
            "UPDATE runs_sequencing SET sample_id = i.sample_id FROM _ids i "
            "WHERE runs_sequencing.catalog_sample = i.record AND runs_sequencing.sample_id IS DISTINCT FROM i.sample_id"
        )
    finally:
        con.unregister("_ids")


def link_sharing_studies(con: duckdb.DuckDBPyConnection, sample_ids: Sequence[str]) -> None:
    """Rule 5: studies holding records of one sample id are linked ``shares_samples`` (both ways).

    A record listed by two studies counts (GEO lets a sample belong to several series), and so do
    two records of one physical sample. A SuperSeries is left out: it lists its SubSeries' samples
    by construction, which says nothing about the SubSeries sharing any (``superseries_of`` says it).
    Every link touching the studies holding ``sample_ids`` is recomputed, from every sample id those
    studies hold (not only the ones a load moved), so a link to a third study is never lost. Each
    step is an index lookup: the cost follows the studies touched, not the catalog.
    """
    records = values_of(con, "SELECT accession FROM samples WHERE sample_id IN (SELECT unnest(?))", sample_ids)
    sql_studies = "SELECT DISTINCT study_accession FROM study_samples WHERE sample_accession IN (SELECT unnest(?))"
    studies = [str(s) for s in values_of(con, sql_studies, records)]
    if not studies:
        return
    con.execute(
        """DELETE FROM study_links WHERE origin = ? AND relation = 'shares_samples'
           AND (study_accession IN (SELECT unnest(?)) OR linked_accession IN (SELECT unnest(?)))""",
        [DERIVED_ORIGIN, studies, studies],
    )
    members = values_of(
        con, "SELECT sample_accession FROM study_samples WHERE study_accession IN (SELECT unnest(?))", studies
    )
    held = values_of(con, "SELECT DISTINCT sample_id FROM samples WHERE accession IN (SELECT unnest(?))", members)
    id_of = dict(
        con.execute(
            "SELECT accession, sample_id FROM samples WHERE sample_id IN (SELECT unnest(?))",
            [sorted({str(i) for i in held if i})],
        ).fetchall()
    )
    listed = con.execute(
        "SELECT study_accession, sample_accession FROM study_samples WHERE sample_accession IN (SELECT unnest(?))",
        [sorted(id_of)],
    ).fetchall()
    supers = set(
        values_of(
            con,
            "SELECT accession FROM studies WHERE accession IN (SELECT unnest(?)) AND coalesce(is_superseries, false)",
            {str(study) for study, _ in listed},
        )
    )
    by_id: dict[str, set[str]] = {}
    for study, record in listed:
        if study not in supers:
            by_id.setdefault(str(id_of[record]), set()).add(str(study))
    touched = set(studies)
    pairs = {
        (a, b) for group in by_id.values() for a in group for b in group if a != b and (a in touched or b in touched)
    }
    rule = "records of one physical sample (shared record, run, BioSample or GSM)"
    insert_rows(
        con,
        "study_links",
        [
            {
                "study_accession": a,
                "linked_accession": b,
                "relation": "shares_samples",
                "rule": rule,
                "origin": DERIVED_ORIGIN,
            }
            for a, b in sorted(pairs)
        ],
    )
