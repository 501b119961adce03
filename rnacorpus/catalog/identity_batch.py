"""What the identity rules ask about a batch of records the catalog never held, asked of DuckDB.

A batch of new records (:func:`.identity.settle_new_records`) is settled by clustering its own records
unless something outside it is involved. Each question here reads the batch's rows from its load
package files (``read_parquet``) beside the catalog's tables, so the answers come back as the few
rows that matter — records outside the batch, accessions two records share — instead of every row
the batch stated (about three per sample) travelling to Python to be filtered there.

Every statement binds only lists (files, kinds, records); none is tuned to a corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from rnacorpus.identifiers import SAMPLE_LINK_KINDS

__all__ = ["BatchFiles", "archives_of", "involves_held_records", "shared_link_rows"]

_KINDS = sorted(SAMPLE_LINK_KINDS)


@dataclass(frozen=True)
class BatchFiles:
    """The batch's package files of the two tables the rules read: ``samples`` and ``accessions``."""

    samples: Sequence[str]
    accessions: Sequence[str]


def involves_held_records(con: duckdb.DuckDBPyConnection, files: BatchFiles) -> bool:
    """Whether a record outside the batch states one of the batch's sample-linking accessions, or is
    named after one of the batch's records (its ``sample_id``): then the batch alone is not the closure."""
    if files.accessions:
        # with no sample rows in the batch, every record stating one of its accessions is outside it
        batch = "AND record_accession NOT IN (SELECT accession FROM read_parquet(?))" if files.samples else ""
        shares = con.execute(
            f"""SELECT 1 FROM accessions
               WHERE accession IN (SELECT accession FROM read_parquet(?) WHERE kind IN (SELECT unnest(?)))
                 AND kind IN (SELECT unnest(?)) {batch}
               LIMIT 1""",  # noqa: S608 - a fixed clause, the values are bound
            [list(files.accessions), _KINDS, _KINDS, *([list(files.samples)] if files.samples else [])],
        ).fetchall()
        if shares:
            return True
    if not files.samples:
        return False
    named = con.execute(
        """SELECT 1 FROM samples WHERE sample_id IN (SELECT accession FROM read_parquet(?))
             AND accession NOT IN (SELECT accession FROM read_parquet(?)) LIMIT 1""",
        [list(files.samples), list(files.samples)],
    ).fetchall()
    return bool(named)


def shared_link_rows(con: duckdb.DuckDBPyConnection, files: BatchFiles) -> list[tuple[str, str]]:
    """``(record, accession)`` of the batch's sample-linking rows whose accession two or more records
    state: the only rows that join records (a record alone with its accession joins nothing)."""
    if not files.accessions:
        return []
    rows = con.execute(
        """SELECT record_accession, accession FROM read_parquet(?)
           WHERE kind IN (SELECT unnest(?)) AND accession IN (
               SELECT accession FROM read_parquet(?) WHERE kind IN (SELECT unnest(?))
               GROUP BY accession HAVING count(DISTINCT record_accession) > 1)""",
        [list(files.accessions), _KINDS, list(files.accessions), _KINDS],
    ).fetchall()
    return [(str(record), str(accession)) for record, accession in rows]


def archives_of(con: duckdb.DuckDBPyConnection, files: BatchFiles, records: Sequence[str]) -> dict[str, str]:
    """The archive of each of ``records``, from the batch's ``samples`` rows."""
    if not records:
        return {}
    rows = con.execute(
        "SELECT accession, archive FROM read_parquet(?) WHERE accession IN (SELECT unnest(?))",
        [list(files.samples), list(records)],
    ).fetchall()
    return {str(accession): str(archive) for accession, archive in rows}
