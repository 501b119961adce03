"""One identity per physical sample, whatever archives hold it; one study per study, whatever twins.

Applied by every load, inside its transaction, after the study's rows are in (:func:`apply_identity`).
The rules (``docs/decisions.md`` "Identity"), each order-independent:

1. **Evidence is owned by the load that stated it.** A study's load replaces its ``accessions`` rows
   (every accession each of its sample records states) and its ``study_links`` rows.
2. **Samples sharing a BioSample, an SRA/ENA sample, experiment or run, or naming each other's GSM
   are one physical sample**: records are joined transitively and every record of one cluster gets
   the same ``sample_id`` — the accession of the cluster's best record (GEO before ArrayExpress
   before ENA, then the lowest number), so the id does not depend on load order and is stable
   while the evidence is.
3. **A study's twin in a better-ranked archive absorbs it** (``E-GEOD-n`` is ``GSEn``: GEO wins; an
   ENA study is absorbed by the GEO series or ArrayExpress study that states it). Each of the lower
   twin's records that is the same physical sample as one of the winner's is folded into that
   record: its accessions, runs, data files and expression rows move over, its deposited
   characteristics are kept as ``external_characteristics`` (origin = the twin's record), and the
   record itself leaves ``samples``. When every record folds, the twin leaves ``studies`` for
   ``absorbed_studies`` (with its content hash, so an unchanged twin is not parsed again). What the
   winner lacks — a twin's extra samples — stays, under the twin.
4. **SuperSeries never double-count**: a sample listed by a SuperSeries and its SubSeries is one
   ``samples`` row already (``study_samples`` holds both links); the study links record both ways.
5. **Studies whose samples share a ``sample_id`` are linked** (``shares_samples``): a reanalysis
   that reuses another series' runs is one identity cluster with it, so an export never splits them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.identity_rows import (
    STUDY_TWIN_RELATIONS,
    accession_rows,
    cluster_ids,
    data_file_rows,
    external_characteristic_rows,
    run_rows,
    study_link_rows,
)
from rnacorpus.identifiers import ARCHIVE_RANK, SAMPLE_LINK_KINDS, natural_key
from rnacorpus.schemas import StudyBundle

__all__ = [
    "DERIVED_ORIGIN",
    "SAMPLE_OWNED",
    "STUDY_OWNED",
    "apply_identity",
    "link_sharing_studies",
    "recompute_sample_ids",
    "settle_identity",
    "settle_new_records",
    "stated_records",
]

log = logging.getLogger(__name__)

#: ``study_links.origin`` of links computed from shared samples (recomputed, never stated by a study)
DERIVED_ORIGIN = "identity"
_LINKING = sorted(SAMPLE_LINK_KINDS)

#: identity tables with rows that belong to one sample record (dropped with the record)
SAMPLE_OWNED: list[tuple[str, str]] = [
    ("accessions", "record_accession"),
    ("external_characteristics", "sample_accession"),
]


def _delete_in(con: duckdb.DuckDBPyConnection, table: str, column: str, keys: Sequence[str]) -> None:
    if keys:
        con.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT unnest(?))", [list(keys)])  # noqa: S608


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    view = f"_identity_{table}"
    con.register(view, pa.Table.from_pylist(list(rows)))
    try:
        con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM {view}")  # noqa: S608
    finally:
        con.unregister(view)


def _column(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[str]:
    return [str(row[0]) for row in con.execute(sql, list(params)).fetchall()]


def apply_identity(
    con: duckdb.DuckDBPyConnection, bundle: StudyBundle, sample_owned: Sequence[tuple[str, str]] = ()
) -> None:
    """The identity rules for one loaded study (call inside the load transaction, rows already in).

    ``sample_owned``: every table whose rows belong to one sample record (the load's registry), so a
    record folded into its twin leaves nothing behind.
    """
    study = bundle.study.accession
    records = sorted({sample.accession for sample in bundle.samples})
    before = stated_records(con, [study])
    _replace_owned(con, bundle)
    settle_identity(con, [study], set(records) | before, sample_owned)


def stated_records(con: duckdb.DuckDBPyConnection, studies: Sequence[str]) -> set[str]:
    """The sample records ``studies`` stated accessions for (read before their rows are replaced)."""
    sql = "SELECT DISTINCT record_accession FROM accessions WHERE study_accession IN (SELECT unnest(?))"
    return set(_column(con, sql, [list(studies)])) if studies else set()


def settle_identity(
    con: duckdb.DuckDBPyConnection, studies: Sequence[str], seeds: set[str], sample_owned: Sequence[tuple[str, str]]
) -> None:
    """Rules 2–5 for studies whose rows (identity rows included) were just replaced, in load order.

    ``seeds``: their records now and the ones they stated before. One call may cover many studies
    (a batch of loads): the twins are settled study by study, the sample ids once for all.
    """
    _delete_in(con, "absorbed_studies", "accession", studies)  # loaded again: decide again
    seeds = set(seeds)
    with_twins = _with_twin_links(con, studies)
    for study in studies:
        if study not in with_twins:
            continue
        winner = _better_twin(con, study)
        if winner is not None:
            seeds |= _absorb(con, study, winner, sample_owned)
        for lower in _lower_twins(con, study):
            seeds |= _absorb(con, lower, study, sample_owned)
        _drop_twin_runs(con, winner or study)
    recompute_sample_ids(con, sorted(seeds))


def settle_new_records(
    con: duckdb.DuckDBPyConnection,
    studies: Sequence[str],
    archives: dict[str, str],
    stated: Sequence[tuple[str, ...]],
    sample_owned: Sequence[tuple[str, str]],
) -> None:
    """:func:`settle_identity` for a batch of studies and records the catalog never held, with what the
    rules would read back about them taken from the load (``archives``: record → archive; ``stated``:
    their ``(record, accession, kind)`` rows). Where nothing outside the batch shares an accession
    with it and no twin relation names its studies, the closure is the batch itself, so the rules
    reduce to clustering its records; one lookup of ``accessions`` (and one of ``samples``) says so
    instead of one per rule. Anything else takes :func:`settle_identity` (the same result)."""
    edges = [(str(r), str(a)) for r, a, kind in stated if kind in SAMPLE_LINK_KINDS]
    outside = {record for record, _ in _linking(con, "accession", {a for _, a in edges})} - set(archives)
    named = _values(con, "SELECT accession FROM samples WHERE sample_id IN (SELECT unnest(?))", archives)
    if outside or set(map(str, named)) - set(archives) or _with_twin_links(con, studies):
        settle_identity(con, studies, set(archives), sample_owned)
        return
    ids = cluster_ids(archives, edges)
    joined = {record for record, sample_id in ids.items() if record != sample_id}  # arrived as their own
    if joined:
        _write_ids(con, ids, joined)
        link_sharing_studies(con, sorted({ids[r] for r in joined}))


def _with_twin_links(con: duckdb.DuckDBPyConnection, studies: Sequence[str]) -> set[str]:
    """Which of ``studies`` any twin relation names (the others have no twin to settle)."""
    rows = con.execute(
        """SELECT study_accession, linked_accession FROM study_links WHERE relation IN (SELECT unnest(?))
           AND (study_accession IN (SELECT unnest(?)) OR linked_accession IN (SELECT unnest(?)))""",
        [list(STUDY_TWIN_RELATIONS), list(studies), list(studies)],
    ).fetchall()
    return {str(a) for row in rows for a in row}


#: tables whose rows a study's load states, with the column naming the owning study (a load package
#: carries them as rows of the study: :func:`owned_rows`)
STUDY_OWNED = (
    ("accessions", "study_accession", accession_rows),
    ("study_links", "origin", study_link_rows),
    ("runs_sequencing", "catalog_study", run_rows),
    ("data_files", "study_accession", data_file_rows),
    ("external_characteristics", "study_accession", external_characteristic_rows),
)


def _replace_owned(con: duckdb.DuckDBPyConnection, bundle: StudyBundle) -> None:
    """Rule 1: the rows this study states replace the ones it stated before."""
    for table, column, build in STUDY_OWNED:
        con.execute(f"DELETE FROM {table} WHERE {column} = ?", [bundle.study.accession])  # noqa: S608
        _insert(con, table, build(bundle))


# -- twins --------------------------------------------------------------------------------------------


def _twin_accessions(con: duckdb.DuckDBPyConnection, study: str) -> set[str]:
    """The study's own accession and every accession a twin relation ties to it (either direction)."""
    rows = con.execute(
        """SELECT study_accession, linked_accession FROM study_links
           WHERE relation IN (SELECT unnest(?)) AND (study_accession = ? OR linked_accession = ?)""",
        [list(STUDY_TWIN_RELATIONS), study, study],
    ).fetchall()
    return {study} | {str(a) for row in rows for a in row}


def _rank(con: duckdb.DuckDBPyConnection, studies: Iterable[str]) -> dict[str, tuple[Any, ...]]:
    """Loaded studies among ``studies`` with their rank: archive, then not a SuperSeries, then number."""
    rows = con.execute(
        "SELECT accession, archive, coalesce(is_superseries, false) FROM studies WHERE accession IN (SELECT unnest(?))",
        [sorted(studies)],
    ).fetchall()
    return {
        str(acc): (ARCHIVE_RANK.get(str(archive), 9), bool(is_super), natural_key(str(acc)))
        for acc, archive, is_super in rows
    }


def _better_twin(con: duckdb.DuckDBPyConnection, study: str) -> str | None:
    ranks = _rank(con, _twin_accessions(con, study))
    mine = ranks.get(study)
    if mine is None:
        return None
    better = [acc for acc, rank in ranks.items() if acc != study and rank[0] < mine[0]]
    return min(better, key=lambda acc: ranks[acc]) if better else None


def _lower_twins(con: duckdb.DuckDBPyConnection, study: str) -> list[str]:
    twins = _twin_accessions(con, study) - {study}
    lower = []
    for twin in sorted(twins):
        if _better_twin(con, twin) == study:
            lower.append(twin)
    return lower


def _matches(con: duckdb.DuckDBPyConnection, lower: str, upper: str) -> dict[str, str]:
    """Records of ``lower`` that are the same physical sample as exactly one record of ``upper``."""
    rows = con.execute(
        """
        SELECT a.record_accession, list(DISTINCT b.record_accession)
        FROM accessions a
        JOIN accessions b ON b.accession = a.accession AND b.kind IN (SELECT unnest(?))
        WHERE a.kind IN (SELECT unnest(?))
          AND a.record_accession IN (SELECT sample_accession FROM study_samples WHERE study_accession = ?)
          AND b.record_accession IN (SELECT sample_accession FROM study_samples WHERE study_accession = ?)
        GROUP BY a.record_accession
        """,
        [_LINKING, _LINKING, lower, upper],
    ).fetchall()
    matched = {}
    for record, targets in rows:
        if len(targets) == 1:
            matched[str(record)] = str(targets[0])
        else:
            log.warning("%s: record %s matches several records of %s; kept apart", lower, record, upper)
    return matched


def _absorb(
    con: duckdb.DuckDBPyConnection, lower: str, upper: str, sample_owned: Sequence[tuple[str, str]]
) -> set[str]:
    """Fold ``lower`` into its better-ranked twin ``upper`` (rule 3); returns the records touched."""
    matched = _matches(con, lower, upper)
    held = _column(con, "SELECT sample_accession FROM study_samples WHERE study_accession = ?", [lower])
    if matched:
        _fold_records(con, lower, matched, sample_owned)
    remaining = [record for record in held if record not in matched]
    if remaining:
        con.execute("UPDATE studies SET n_samples = ? WHERE accession = ?", [len(remaining), lower])
        log.info("%s: %d of %d samples are %s's; the rest stay", lower, len(matched), len(held), upper)
    else:
        _retire_study(con, lower, upper, n_samples=len(held), n_matched=len(matched))
        log.info("%s: absorbed into its twin %s (%d samples)", lower, upper, len(matched))
    return set(matched) | set(matched.values())


def _fold_records(
    con: duckdb.DuckDBPyConnection, lower: str, matched: dict[str, str], sample_owned: Sequence[tuple[str, str]]
) -> None:
    pairs = pa.table({"old": list(matched), "new": list(matched.values())})
    con.register("_fold", pairs)
    try:
        con.execute("UPDATE accessions SET record_accession = f.new FROM _fold f WHERE record_accession = f.old")
        con.execute("UPDATE runs_sequencing SET catalog_sample = f.new FROM _fold f WHERE catalog_sample = f.old")
        con.execute("UPDATE data_files SET sample_accession = f.new FROM _fold f WHERE sample_accession = f.old")
        con.execute(
            """INSERT OR REPLACE INTO external_characteristics
               SELECT f.new, f.old, c.position, c.key, c.value, NULL, NULL, ?
               FROM sample_characteristics c JOIN _fold f ON c.sample_accession = f.old""",
            [lower],
        )
        con.execute(
            """UPDATE external_characteristics SET sample_accession = f.new FROM _fold f
               WHERE sample_accession = f.old"""
        )
        con.execute(
            """INSERT OR IGNORE INTO xrefs SELECT f.new, x.db, x.xref_accession, x.relation, x.study_accession
               FROM xrefs x JOIN _fold f ON x.accession = f.old"""
        )
        con.execute(  # by name: every column of the row moves with it, whatever columns a format adds
            """INSERT OR IGNORE INTO expression_samples BY NAME
               SELECT e.* REPLACE (f.new AS sample_accession)
               FROM expression_samples e JOIN _fold f ON e.sample_accession = f.old"""
        )
    finally:
        con.unregister("_fold")
    olds = list(matched)
    moved = {table for table, _ in SAMPLE_OWNED}
    for table, column in sample_owned:
        if table not in moved:
            _delete_in(con, table, column, olds)
    for table, column in (("xrefs", "accession"), ("expression_samples", "sample_accession")):
        _delete_in(con, table, column, olds)
    con.execute(
        "DELETE FROM study_samples WHERE study_accession = ? AND sample_accession IN (SELECT unnest(?))",
        [lower, olds],
    )
    _delete_in(con, "samples", "accession", olds)


def _retire_study(con: duckdb.DuckDBPyConnection, lower: str, upper: str, *, n_samples: int, n_matched: int) -> None:
    con.execute(
        """INSERT OR REPLACE INTO absorbed_studies
           SELECT accession, ?, archive, 'twin of a better-ranked archive', ?, ?, content_sha256, last_update,
                  record, source_files, loaded_at, run_id
           FROM studies WHERE accession = ?""",
        [upper, n_samples, n_matched, lower],
    )
    con.execute("DELETE FROM studies WHERE accession = ?", [lower])


def _drop_twin_runs(con: duckdb.DuckDBPyConnection, winner: str) -> None:
    """A run both twins list is the winner's: the folded twin's copy goes (one row per run and study kept)."""
    con.execute(
        """DELETE FROM runs_sequencing
           WHERE catalog_study IN (SELECT accession FROM absorbed_studies WHERE absorbed_into = ?)
             AND run_accession IN (SELECT run_accession FROM runs_sequencing WHERE catalog_study = ?)""",
        [winner, winner],
    )


# -- sample ids ---------------------------------------------------------------------------------------


def _values(con: duckdb.DuckDBPyConnection, sql: str, keys: Iterable[str], *extra: Any) -> list[Any]:
    """One column of rows looked up by ``keys``, bound as one list. DuckDB 2.0.1 plans
    ``IN (SELECT unnest(?))`` as a hash semi-join over a sequential scan of the table, not an index
    lookup (``EXPLAIN`` shows ``HASH_JOIN SEMI`` over ``SEQ_SCAN``), so each call reads the whole
    column: the commit of new records avoids these lookups (:func:`settle_new_records`). Only that one
    condition: a second one (``AND kind IN …``, ``list_contains``) measured slower still (2 ms → 60-90 ms
    at 10^5 samples), so other filters are applied to the rows found."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    return [row[0] for row in con.execute(sql, [wanted, *extra]).fetchall()]


def _linking(con: duckdb.DuckDBPyConnection, by: str, keys: Iterable[str]) -> list[tuple[str, str]]:
    """``(record_accession, accession)`` of the ``accessions`` rows whose ``by`` column is one of ``keys``
    and whose kind links records of one sample (filtered here, see :func:`_values`)."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    sql = f"SELECT record_accession, accession, kind FROM accessions WHERE {by} IN (SELECT unnest(?))"  # noqa: S608
    return [(str(r), str(a)) for r, a, kind in con.execute(sql, [wanted]).fetchall() if kind in SAMPLE_LINK_KINDS]


def _closure(con: duckdb.DuckDBPyConnection, seeds: Sequence[str]) -> set[str]:
    """Every record whose sample id may change with the seeds': their clusters, old and new."""
    records: set[str] = set()
    frontier = set(seeds)
    while frontier:
        records |= frontier
        keys = {accession for _, accession in _linking(con, "record_accession", frontier)}
        sharing = {record for record, _ in _linking(con, "accession", keys)}
        old_ids = _values(con, "SELECT DISTINCT sample_id FROM samples WHERE accession IN (SELECT unnest(?))", frontier)
        same_id = _values(
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
    _write_ids(con, ids, stale)
    link_sharing_studies(con, sorted(set(ids.values())))


#: above this many distinct new ids, one ``UPDATE … FROM`` join (a scan) beats an index lookup per id
_LOOKUP_UPDATES = 64


def _write_ids(con: duckdb.DuckDBPyConnection, ids: dict[str, str], stale: set[str]) -> None:
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
    records = _values(con, "SELECT accession FROM samples WHERE sample_id IN (SELECT unnest(?))", sample_ids)
    sql_studies = "SELECT DISTINCT study_accession FROM study_samples WHERE sample_accession IN (SELECT unnest(?))"
    studies = [str(s) for s in _values(con, sql_studies, records)]
    if not studies:
        return
    con.execute(
        """DELETE FROM study_links WHERE origin = ? AND relation = 'shares_samples'
           AND (study_accession IN (SELECT unnest(?)) OR linked_accession IN (SELECT unnest(?)))""",
        [DERIVED_ORIGIN, studies, studies],
    )
    members = _values(
        con, "SELECT sample_accession FROM study_samples WHERE study_accession IN (SELECT unnest(?))", studies
    )
    held = _values(con, "SELECT DISTINCT sample_id FROM samples WHERE accession IN (SELECT unnest(?))", members)
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
        _values(
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
    _insert(
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
