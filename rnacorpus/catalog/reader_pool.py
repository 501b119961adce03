"""Read-only catalog connections kept open for a moment, so a burst of searches opens the file once.

Opening a DuckDB file is cheap, but a new database instance starts with an empty buffer pool: the
first query re-reads and decompresses every column segment it touches. A notebook or a service that
asks several questions in a row would pay that on every call. So sample searches take a cursor on a
*shared anchor* connection per catalog file, and the anchor closes itself after ``KEEPALIVE`` seconds
without use.

Holding a read-only connection keeps writers in other processes out; they retry lock conflicts for up
to a minute (:mod:`.connection`), so a kept reader delays them by at most a burst plus ``KEEPALIVE``.
In this process, :func:`release` is called before a writer opens the same file (a read-only and a
read-write instance of one file cannot coexist in a process) and before a sandboxed user-SQL
connection does (its settings apply to the whole instance). The anchor runs no user SQL: only
rnacorpus's own statements with bound parameters go through it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

__all__ = ["KEEPALIVE", "has_anchor", "release", "shared_cursor"]

#: seconds an idle anchor stays open
KEEPALIVE = 2.0


class _Anchor:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.users = 0
        self.timer: threading.Timer | None = None


_lock = threading.Lock()
_anchors: dict[str, _Anchor] = {}


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def _close(key: str, anchor: _Anchor) -> None:
    with _lock:
        if _anchors.get(key) is not anchor or anchor.users:
            return
        del _anchors[key]
    anchor.con.close()


@contextlib.contextmanager
def shared_cursor(path: Path, opener: Callable[[], duckdb.DuckDBPyConnection]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the file's anchor; ``opener`` makes the anchor (a read-only connection) when there is
    none. The cursor is closed on exit; the anchor stays open until idle for :data:`KEEPALIVE` seconds."""
    key = _key(path)
    with _lock:
        anchor = _anchors.get(key)
        if anchor is None:
            anchor = _anchors[key] = _Anchor(opener())
        anchor.users += 1
        if anchor.timer is not None:
            anchor.timer.cancel()
            anchor.timer = None
        cursor = anchor.con.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
        with _lock:
            anchor.users -= 1
            if not anchor.users and _anchors.get(key) is anchor:
                anchor.timer = threading.Timer(KEEPALIVE, _close, (key, anchor))
                anchor.timer.daemon = True
                anchor.timer.start()


def has_anchor(path: Path) -> bool:
    """Whether this process keeps a reader open on the file right now."""
    with _lock:
        return _key(path) in _anchors


def release(path: Path) -> None:
    """Close the file's idle anchor now (before this process writes to the file or sandboxes it)."""
    key = _key(path)
    with _lock:
        anchor = _anchors.get(key)
        if anchor is None or anchor.users:
            return
        del _anchors[key]
        if anchor.timer is not None:
            anchor.timer.cancel()
    anchor.con.close()
