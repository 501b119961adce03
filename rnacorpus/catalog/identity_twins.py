"""Rule 3 of :mod:`.identity`: a study's twin in a better-ranked archive absorbs it.

Twins are the studies a twin relation of ``study_links`` ties together (``E-GEOD-n`` and ``GSEn``;
an ENA study and the GEO series or ArrayExpress study that states it). The better-ranked one wins
(archive, then not a SuperSeries, then number); each record of the lower twin that is the same
physical sample as exactly one of the winner's is folded into it — accessions, runs, data files
and expression rows move over, deposited characteristics are kept as ``external_characteristics``
— and a twin whose every record folded leaves ``studies`` for ``absorbed_studies``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.identity_rows import STUDY_TWIN_RELATIONS
from rnacorpus.catalog.identity_sql import column_of
from rnacorpus.catalog.sql_keys import delete_in
from rnacorpus.identifiers import ARCHIVE_RANK, SAMPLE_LINK_KINDS, natural_key

__all__ = ["SAMPLE_OWNED", "absorb", "better_twin", "drop_twin_runs", "lower_twins", "studies_with_twins"]

log = logging.getLogger(__name__)

_LINKING = sorted(SAMPLE_LINK_KINDS)

#: identity tables with rows that belong to one sample record (dropped with the record)
SAMPLE_OWNED: list[tuple[str, str]] = [
    ("accessions", "record_accession"),
    ("external_characteristics", "sample_accession"),
]


def studies_with_twins(con: duckdb.DuckDBPyConnection, studies: Sequence[str]) -> set[str]:
    """Which of ``studies`` any twin relation names (the others have no twin to settle)."""
    rows = con.execute(
        """SELECT study_accession, linked_accession FROM study_links WHERE relation IN (SELECT unnest(?))
           AND (study_accession IN (SELECT unnest(?)) OR linked_accession IN (SELECT unnest(?)))""",
        [list(STUDY_TWIN_RELATIONS), list(studies), list(studies)],
    ).fetchall()
    return {str(a) for row in rows for a in row}


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


def better_twin(con: duckdb.DuckDBPyConnection, study: str) -> str | None:
    """The best-ranked loaded twin that outranks ``study`` by archive, or None."""
    ranks = _rank(con, _twin_accessions(con, study))
    mine = ranks.get(study)
    if mine is None:
        return None
    better = [acc for acc, rank in ranks.items() if acc != study and rank[0] < mine[0]]
    return min(better, key=lambda acc: ranks[acc]) if better else None


def lower_twins(con: duckdb.DuckDBPyConnection, study: str) -> list[str]:
    """The twins whose best-ranked better twin is ``study`` (it absorbs them)."""
    twins = _twin_accessions(con, study) - {study}
    lower = []
    for twin in sorted(twins):
        if better_twin(con, twin) == study:
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


def absorb(con: duckdb.DuckDBPyConnection, lower: str, upper: str, sample_owned: Sequence[tuple[str, str]]) -> set[str]:
    """Fold ``lower`` into its better-ranked twin ``upper`` (rule 3); returns the records touched."""
    matched = _matches(con, lower, upper)
    held = column_of(con, "SELECT sample_accession FROM study_samples WHERE study_accession = ?", [lower])
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
            delete_in(con, table, column, olds)
    for table, column in (("xrefs", "accession"), ("expression_samples", "sample_accession")):
        delete_in(con, table, column, olds)
    con.execute(
        "DELETE FROM study_samples WHERE study_accession = ? AND sample_accession IN (SELECT unnest(?))",
        [lower, olds],
    )
    delete_in(con, "samples", "accession", olds)


def _retire_study(con: duckdb.DuckDBPyConnection, lower: str, upper: str, *, n_samples: int, n_matched: int) -> None:
    con.execute(
        """INSERT OR REPLACE INTO absorbed_studies
           SELECT accession, ?, archive, 'twin of a better-ranked archive', ?, ?, content_sha256, last_update,
                  record, source_files, loaded_at, run_id
           FROM studies WHERE accession = ?""",
        [upper, n_samples, n_matched, lower],
    )
    con.execute("DELETE FROM studies WHERE accession = ?", [lower])


def drop_twin_runs(con: duckdb.DuckDBPyConnection, winner: str) -> None:
    """A run both twins list is the winner's: the folded twin's copy goes (one row per run and study kept)."""
    con.execute(
        """DELETE FROM runs_sequencing
           WHERE catalog_study IN (SELECT accession FROM absorbed_studies WHERE absorbed_into = ?)
             AND run_accession IN (SELECT run_accession FROM runs_sequencing WHERE catalog_study = ?)""",
        [winner, winner],
    )
