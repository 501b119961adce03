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
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb

from rnacorpus.catalog.ddl import CATALOG_FORMAT, all_ddl
from rnacorpus.catalog.migrations import apply_migrations, require_current
from rnacorpus.errors import ConfigError, LockedError

__all__ = [
    "SQL_ALLOWED_STATEMENTS",
    "check_user_sql",
    "connect_reader",
    "connect_writer",
    "ensure_schema",
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


def with_lock_retry(
    opener: Callable[[], duckdb.DuckDBPyConnection], path: Path, timeout: float
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
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def ensure_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create a new catalog, or migrate an older one in place (:mod:`.migrations`), then make sure every
    registered table exists."""
    apply_migrations(con, path)
    for statement in all_ddl(_extra_ddl):
        con.execute(statement)
    stamped = con.execute("SELECT count(*) FROM catalog_versions WHERE key = 'catalog_format'").fetchone()
    if stamped is None or not stamped[0]:
        con.execute(
            "INSERT OR REPLACE INTO catalog_versions VALUES ('catalog_format', ?, now())",
            [str(CATALOG_FORMAT)],
        )


def connect_writer(path: Path, *, timeout: float = 60.0) -> duckdb.DuckDBPyConnection:
    from rnacorpus.catalog.reader_pool import release

    path.parent.mkdir(parents=True, exist_ok=True)
    release(path)  # a read-only instance this process kept for searches would refuse a writer
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


def connect_reader(
    path: Path,
    *,
    store_dir: Path | str | None = None,
    timeout: float = 60.0,
    sandbox: bool = True,
    check_format: bool = True,
    plain: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Read-only connection; with ``sandbox`` the file system is closed except the expression store.

    ``check_format=False`` skips the format check, for callers that checked this file state already.
    ``plain`` opens with DuckDB's default configuration (no sandbox settings), for a connection that
    runs only rnacorpus's own statements and may share its database instance with a user's plain
    ``duckdb.connect(path, read_only=True)`` in the same process."""
    if not path.exists():
        raise ConfigError(f"no catalog at {path} (run `rnacorpus harvest` first or pass --catalog)", path=path)
    config: dict[str, str | bool | int | float | list[str]] = {} if plain else dict(_SANDBOX_SETTINGS)
    con = _quiet(with_lock_retry(lambda: duckdb.connect(str(path), read_only=True, config=config), path, timeout))
    try:
        if check_format:
            require_current(con, path)
    except BaseException:
        con.close()
        raise
    if sandbox and not plain:
        from rnacorpus.catalog.store import ExpressionStore
        from rnacorpus.catalog.store_sql import close_sandbox, register_store

        store = ExpressionStore(store_dir) if store_dir is not None else None
        if store is not None:
            register_store(con, store)
        close_sandbox(con, store)
    return con


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
