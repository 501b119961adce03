"""Opening the catalog: short-lived writers, sandboxed readers.

DuckDB lets one process hold a database file read-write and then nobody else may open it, not even
read-only. So writers keep the file open only for one short load transaction and close it, and both
sides retry a lock conflict for a while instead of failing at once: a reader's query waits at most
one study load, and a refresh never blocks readers for the length of a run.

User SQL runs on a read-only connection that cannot touch the file system beyond the expression
store (DuckDB's ``enable_external_access`` with ``allowed_directories``, configuration locked), and
only SELECT-like statements are accepted.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb

from rnacorpus.catalog.ddl import CATALOG_FORMAT, all_ddl
from rnacorpus.catalog.migrations import apply_migrations, require_current
from rnacorpus.catalog.references import attach_references, use_store
from rnacorpus.errors import ConfigError, LockedError
from rnacorpus.storage import Location, parse_location

__all__ = [
    "SQL_ALLOWED_STATEMENTS",
    "WriterSession",
    "check_user_sql",
    "connect_reader",
    "connect_writer",
    "ensure_schema",
    "readers_waiting",
    "writer",
]

log = logging.getLogger(__name__)

SQL_ALLOWED_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})
_LOCK_MARKERS = ("Could not set lock", "Conflicting lock")
_SANDBOX_SETTINGS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def _quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """DuckDB draws a progress bar on stdout for a query over 2 s; a library must never print (a
    ``--json`` answer would not parse). A session setting: every connection turns it off."""
    con.execute("SET enable_progress_bar = false")
    return con


#: DDL from other parts (genes, ontology) registered at import time of their table modules
_extra_ddl: list[str] = []


def register_ddl(statements: Iterable[str]) -> None:
    for statement in statements:
        if statement not in _extra_ddl:
            _extra_ddl.append(statement)


def registered_ddl() -> list[str]:
    """DDL other parts registered (genes, ontology …), beside the core tables of :mod:`.ddl`."""
    return list(_extra_ddl)


def _is_lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and any(marker in str(exc) for marker in _LOCK_MARKERS)


def _readers_marker(path: Path) -> Path:
    return path.with_name(path.name + ".readers")


def _announce_reader(path: Path) -> None:
    """A reader is waiting for the writer: say so (best effort; a read-only folder just loses the courtesy)."""
    marker = _readers_marker(path)
    with contextlib.suppress(OSError):
        marker.touch()


def readers_waiting(path: Path) -> bool:
    """Whether a reader found the catalog busy in the last :data:`READER_WAITING` seconds."""
    try:
        return time.time() - _readers_marker(path).stat().st_mtime < READER_WAITING
    except OSError:
        return False


def _yield_to_readers(path: Path) -> None:
    """Before a writer opens the file again: if a reader waited lately, leave it a gap to get in.

    A writer that commits batch after batch would otherwise reopen the file at once each time, and a
    reader retrying every so often could wait out its whole timeout. Readers retry every
    :data:`READER_RETRY` seconds while they wait, so a gap of :data:`READER_GAP` lets them in.
    """
    if readers_waiting(path):
        time.sleep(READER_GAP)


#: how often a waiting reader tries again, how long a writer leaves the file free when one waits,
#: and how long a reader's announcement counts (seconds)
READER_RETRY = 0.1
READER_GAP = 0.25
READER_WAITING = 2.0


def with_lock_retry(
    opener: Callable[[], duckdb.DuckDBPyConnection], path: Path, timeout: float, *, reader: bool = False
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            return opener()
        except duckdb.Error as exc:
            if not _is_lock_conflict(exc) or time.monotonic() >= deadline:
                if _is_lock_conflict(exc):
                    raise LockedError(
                        f"the catalog is busy (another process holds it) and stayed busy for {timeout:.0f}s",
                        path=path,
                    ) from exc
                raise ConfigError(f"cannot open the catalog: {exc}", path=path) from exc
            if reader:
                _announce_reader(path)
                delay = min(delay, READER_RETRY)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


_CREATED_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)")


def ensure_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create a new catalog, or migrate an older one in place (:mod:`.migrations`), then make sure every
    registered table exists.

    Cheap on a catalog that has them all (every writer open calls it): one query lists the tables, and
    only the DDL of missing ones runs.
    """
    apply_migrations(con, path)
    present = {
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        ).fetchall()
    }
    for statement in all_ddl(_extra_ddl):
        created = _CREATED_TABLE.search(statement)
        if created is None or created.group(1) not in present:
            con.execute(statement)
    stamped = con.execute("SELECT count(*) FROM catalog_versions WHERE key = 'catalog_format'").fetchall()
    if not stamped or not stamped[0][0]:
        con.execute(
            "INSERT OR REPLACE INTO catalog_versions VALUES ('catalog_format', ?, now())",
            [str(CATALOG_FORMAT)],
        )


def connect_writer(path: Path, *, timeout: float = 60.0) -> duckdb.DuckDBPyConnection:
    from rnacorpus.catalog.reader_pool import release

    path.parent.mkdir(parents=True, exist_ok=True)
    release(path)  # a read-only instance this process kept for searches would refuse a writer
    _yield_to_readers(path)
    con = _quiet(with_lock_retry(lambda: duckdb.connect(str(path), config=dict(_SANDBOX_SETTINGS)), path, timeout))
    try:
        ensure_schema(con, path)
    except BaseException:
        con.close()
        raise
    return con


@contextlib.contextmanager
def writer(path: Path, *, timeout: float = 60.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection held only for the ``with`` block (one short transaction's worth)."""
    con = connect_writer(path, timeout=timeout)
    try:
        yield con
    finally:
        con.close()


#: WAL size at which a long writer session checkpoints (see :meth:`WriterSession.connection`)
SESSION_CHECKPOINT_MB = 256


class WriterSession:
    """One writer connection kept across a run's commits, given up whenever a reader waits for it.

    Opening the file costs a few milliseconds and closing it a checkpoint; a run that commits
    thousands of batches keeps the connection instead, and hands the file to readers as soon as one
    says it is waiting (:func:`readers_waiting`; the next open leaves it a gap). Each commit is still
    its own short transaction, so a reader waits at most for one.

    ``threads`` caps DuckDB's threads for the session's commits (None: DuckDB's default, one per core).
    """

    def __init__(self, path: Path, *, timeout: float = 60.0, threads: int | None = None) -> None:
        self.path = path
        self.timeout = timeout
        self.threads = threads
        self._con: duckdb.DuckDBPyConnection | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = connect_writer(self.path, timeout=self.timeout)
            # A checkpoint costs about a second at 10^6 samples whatever the WAL holds (it rewrites the
            # indexes of tables that grow with the corpus); at DuckDB's 16 MB it came every few commits.
            # The WAL is still checkpointed when the session closes (or a reader asks for the file).
            self._con.execute(f"SET checkpoint_threshold = '{SESSION_CHECKPOINT_MB}MB'")
            if self.threads is not None:
                self._con.execute(f"SET threads = {int(self.threads)}")
        return self._con

    def yield_to_readers(self) -> None:
        """Between transactions: close the file if a reader is waiting for it."""
        if self._con is not None and readers_waiting(self.path):
            self.close()

    def close(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            con.close()

    def __enter__(self) -> WriterSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect_reader(
    path: Path,
    *,
    store_dir: Path | str | None = None,
    timeout: float = 60.0,
    sandbox: bool = True,
    check_format: bool = True,
    plain: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Read-only connection; with ``sandbox`` the file system is closed except the store (``store_dir``,
    else the one the catalog recorded). The reference tables are views over files in the store
    (:mod:`.references`), read from ``store_dir`` when given (a moved store) else the recorded one.

    ``check_format=False`` skips the format check, for callers that checked this file state already.
    ``plain`` opens with DuckDB's default configuration (no sandbox settings), for a connection that
    runs only rnacorpus's own statements and may share its database instance with a user's plain
    ``duckdb.connect(path, read_only=True)`` in the same process."""
    if not path.exists():
        raise ConfigError(f"no catalog at {path} (run `rnacorpus harvest` first or pass --catalog)", path=path)
    config: dict[str, str | bool | int | float | list[str]] = {} if plain else dict(_SANDBOX_SETTINGS)
    con = _quiet(
        with_lock_retry(lambda: duckdb.connect(str(path), read_only=True, config=config), path, timeout, reader=True)
    )
    try:
        if check_format:
            require_current(con, path)
        from rnacorpus.catalog.store import ExpressionStore

        location = store_dir if store_dir is not None else recorded_store(con)
        store = ExpressionStore(location) if location is not None else None
        if store is not None:
            use_store(con, store)  # a local store: the reference views' paths are relative to it
            if sandbox and not plain:
                attach_references(con, store)  # the sandbox refuses relative paths: absolute ones here
    except BaseException:
        con.close()
        raise
    if sandbox and not plain:
        from rnacorpus.catalog.store_sql import close_sandbox

        close_sandbox(con, store)
    return con


def recorded_store(con: duckdb.DuckDBPyConnection) -> Location | None:
    """The store the harvests of this catalog wrote to (stamped at every run start), if any: a local
    folder or an object-store URL."""
    try:
        rows = con.execute("SELECT value FROM catalog_versions WHERE key = 'store_dir'").fetchall()
    except duckdb.CatalogException:
        return None
    return parse_location(str(rows[0][0])) if rows and rows[0][0] else None


def check_user_sql(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but queries: the catalog is read through ``query``, written only by harvests."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise ConfigError(f"SQL does not parse: {exc}") from exc
    if not statements:
        raise ConfigError("empty SQL")
    for statement in statements:
        if statement.type not in SQL_ALLOWED_STATEMENTS:
            raise ConfigError(f"only SELECT / EXPLAIN statements may run through `query` (got {statement.type.name})")
