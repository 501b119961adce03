"""Which study a sample belongs to, and samples no study lists any more, for a committed batch.

A sample in several studies belongs to the most specific one (:func:`assign_primary_study`: a
non-SuperSeries, then the lowest number), computed from every loaded study that lists it, so the
answer does not depend on load order; a sample that no study lists any more leaves the catalog
(:func:`drop_orphans`). Both run inside the batch's transaction (:mod:`.load`).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from rnacorpus.catalog.package import LoadPackage, batch_files
from rnacorpus.catalog.plan import sample_owned_tables
from rnacorpus.catalog.sql_keys import delete_in, rows_in

__all__ = ["assign_fresh_primary_study", "assign_primary_study", "drop_orphans"]


def assign_primary_study(con: duckdb.DuckDBPyConnection, sample_ids: Sequence[str]) -> None:
    """A sample in several series belongs to the most specific one: a non-SuperSeries, lowest number.

    Computed from every loaded study that lists the sample, so the answer does not depend on the
    order in which a SuperSeries and its SubSeries were harvested. Read by index lookups and written
    only where it changes (usually nowhere: a new study's samples already name it), so the cost
    follows the batch, not the catalog (an ``UPDATE … FROM`` join scans all of ``samples``).
    """
    if not sample_ids:
        return
    listed = con.execute(
        "SELECT sample_accession, study_accession FROM study_samples WHERE sample_accession IN (SELECT unnest(?))",
        [list(sample_ids)],
    ).fetchall()
    by_sample: dict[str, list[str]] = {}
    for sample, study in listed:
        by_sample.setdefault(str(sample), []).append(str(study))
    # only loaded studies count (a study_samples row may outlive its study's row: an absorbed twin)
    loaded = dict(
        rows_in(
            con,
            "SELECT accession, coalesce(is_superseries, false) FROM studies WHERE accession IN (SELECT unnest(?))",
            sorted({study for studies in by_sample.values() for study in studies}),
        )
    )
    best = {
        sample: min(candidates, key=lambda st: (bool(loaded[st]), _series_number(st), st))
        for sample, studies in by_sample.items()
        if (candidates := [st for st in studies if st in loaded])
    }
    held = rows_in(
        con, "SELECT accession, study_accession FROM samples WHERE accession IN (SELECT unnest(?))", sorted(best)
    )
    moves: dict[str, list[str]] = {}
    for sample, study in held:
        if best[str(sample)] != study:
            moves.setdefault(best[str(sample)], []).append(str(sample))
    _move_samples(con, [(study, sorted(samples)) for study, samples in sorted(moves.items())])


def _move_samples(con: duckdb.DuckDBPyConnection, moves: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Set each ``(study, samples)`` pair's samples' primary study (one keyed UPDATE per study)."""
    for study, samples in moves:
        con.execute(
            "UPDATE samples SET study_accession = ? WHERE accession IN (SELECT unnest(?))", [study, list(samples)]
        )


def assign_fresh_primary_study(con: duckdb.DuckDBPyConnection, packages: Sequence[LoadPackage]) -> None:
    """:func:`assign_primary_study` for samples the catalog never held: the one study listing each is its
    primary, so only a record naming another study needs a write (read from the packages)."""
    samples, listed = batch_files(packages, "samples"), batch_files(packages, "study_samples")
    if not samples or not listed:
        return
    moves = con.execute(
        """SELECT l.study_accession, list(s.accession ORDER BY s.accession)
           FROM read_parquet(?) s JOIN read_parquet(?) l ON l.sample_accession = s.accession
           WHERE s.study_accession IS DISTINCT FROM l.study_accession GROUP BY ALL ORDER BY 1""",
        [samples, listed],
    ).fetchall()
    _move_samples(con, moves)


def _series_number(accession: str) -> int:
    """The trailing number of an accession (GSE1234 -> 1234; 0 without one), as the catalog orders series."""
    digits = len(accession) - len(accession.rstrip("0123456789"))
    return int(accession[-digits:]) if digits else 0


def drop_orphans(con: duckdb.DuckDBPyConnection, dropped_ids: Sequence[str]) -> None:
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
        delete_in(con, table, column, orphans)
    delete_in(con, "samples", "accession", orphans)
