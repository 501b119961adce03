"""Run log, per-study outcomes and the quarantine: what was asked, what was done, what failed and why."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from dataclasses import dataclass
from typing import Any

import duckdb

from rnacorpus.errors import RnacorpusError

log = logging.getLogger(__name__)

__all__ = [
    "FailureRecord",
    "begin_run",
    "clear_quarantine",
    "finish_run",
    "get_watermark",
    "mark_interrupted",
    "new_run_id",
    "quarantine",
    "quarantine_error",
    "quarantined",
    "record_item",
    "set_watermark",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_run_id() -> str:
    return _now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def begin_run(con: duckdb.DuckDBPyConnection, run_id: str, command: str, version: str) -> None:
    con.execute(
        """INSERT OR REPLACE INTO runs (run_id, started, command, status, n_ok, n_failed, n_new, n_updated,
                                        n_unchanged, pid, rnacorpus_version)
           VALUES (?, ?, ?, 'running', 0, 0, 0, 0, 0, ?, ?)""",
        [run_id, _now(), command, os.getpid(), version],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    status: str,
    counts: dict[str, int],
    details: dict[str, Any],
) -> None:
    con.execute(
        """UPDATE runs SET finished = ?, status = ?, n_ok = ?, n_failed = ?, n_new = ?, n_updated = ?,
                           n_unchanged = ?, details = ?
           WHERE run_id = ?""",
        [
            _now(),
            status,
            counts.get("ok", 0),
            counts.get("failed", 0),
            counts.get("new", 0),
            counts.get("updated", 0),
            counts.get("unchanged", 0),
            json.dumps(details, default=str),
            run_id,
        ],
    )


def record_item(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    accession: str,
    outcome: str,
    step: str,
    message: str | None = None,
) -> None:
    con.execute(
        "INSERT OR REPLACE INTO run_items VALUES (?, ?, ?, ?, ?, ?)",
        [run_id, accession, outcome, step, message, _now()],
    )


@dataclass(frozen=True)
class FailureRecord:
    """A failure as the quarantine keeps it; unexpected exceptions (bugs) are of kind ``internal``."""

    kind: str
    message: str
    path: str | None = None
    url: str | None = None
    line: int | None = None

    @classmethod
    def of(cls, error: BaseException) -> FailureRecord:
        if isinstance(error, RnacorpusError):
            return cls(error.kind, str(error), error.path, error.url, error.line)
        return cls("internal", f"{type(error).__name__}: {error}")


def quarantine(con: duckdb.DuckDBPyConnection, run_id: str, accession: str, step: str, error: BaseException) -> None:
    """Put a study aside with the reason; attempts count up across runs."""
    quarantine_error(con, run_id, accession, step, FailureRecord.of(error))


def quarantine_error(
    con: duckdb.DuckDBPyConnection, run_id: str, accession: str, step: str, error: FailureRecord
) -> None:
    """Put a study aside with the reason a worker reported; attempts count up across runs."""
    previous = con.execute("SELECT attempts FROM quarantine WHERE accession = ?", [accession]).fetchall()
    attempts = (int(previous[0][0]) if previous and previous[0][0] is not None else 0) + 1
    con.execute(
        "INSERT OR REPLACE INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [accession, step, error.kind, error.message, _now(), run_id, error.path, error.url, error.line, attempts],
    )


def clear_quarantine(con: duckdb.DuckDBPyConnection, accession: str) -> None:
    con.execute("DELETE FROM quarantine WHERE accession = ?", [accession])


def quarantined(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute(
        "SELECT accession, step, error_kind, message, time, attempts FROM quarantine ORDER BY accession"
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def mark_interrupted(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Close the log rows of runs that died while 'running'; returns their ids.

    Call only while holding the catalog's run lock (:mod:`rnacorpus.pipeline.lock`): holding it
    proves that no other run is live, so every row still 'running' belongs to a process that died.
    """
    rows = con.execute(
        "UPDATE runs SET status = 'interrupted', finished = coalesce(finished, ?) "
        "WHERE status = 'running' RETURNING run_id, pid, command",
        [_now()],
    ).fetchall()
    for run_id, pid, command in rows:
        log.warning("run %s (pid %s, %s) did not finish; marked interrupted", run_id, pid, command)
    return sorted(str(row[0]) for row in rows)


def get_watermark(con: duckdb.DuckDBPyConnection, source: str) -> dt.date | None:
    row = con.execute("SELECT last_update FROM watermarks WHERE source = ?", [source]).fetchone()
    return row[0] if row is not None else None


def set_watermark(con: duckdb.DuckDBPyConnection, source: str, last_update: dt.date, run_id: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO watermarks (source, last_update, updated, run_id) VALUES (?, ?, ?, ?)",
        [source, last_update, _now(), run_id],
    )
