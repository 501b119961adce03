"""Pinned reference tables as Parquet files in the store, queried through DuckDB views.

``genes`` and ``gene_synonyms`` (one part per organism) and ``ontology_terms`` and ``ontology_closure``
hold about 1.75 million rows that every catalog shares. Inserting them made each new catalog ~100 MB
and cost seconds; instead each part is derived once per machine from its pinned source into a Parquet
file in the cache (named by the source's stamp), copied into the store under a content-hashed name
(``references/<view>/<part>_<sha16>.parquet``, fsynced, its sha256 checked) and listed in the
catalog's ``reference_files`` table (view, part, release, path, sha256, rows). The catalog keeps a
view per table over its files (:func:`refresh_views`, paths relative to the store; readers point
DuckDB at the store, :func:`use_store`), so ``SELECT … FROM genes`` and the ancestor joins on
``ontology_closure`` read like tables on every connection — also inside the read-only sandbox, whose
one open directory is the store (:func:`attach_references`). The stamps stay where they were (``gene_references``,
``ontology_releases``, ``catalog_versions``). A part whose release is already installed costs one
query; a new release replaces the row and then the file it named.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.storage import Location

import duckdb

from rnacorpus.catalog.pins import pinned_paths
from rnacorpus.errors import BadContentError
from rnacorpus.fileio import atomic_write

__all__ = [
    "DERIVATION",
    "REFERENCE_VIEWS",
    "ReferencePart",
    "attach_references",
    "install_reference",
    "reference_cache_dir",
    "reference_cursor",
    "reference_paths",
    "refresh_views",
    "use_store",
]

log = logging.getLogger(__name__)

#: the tables served from reference files (each a view on every connection)
REFERENCE_VIEWS = ("genes", "gene_synonyms", "ontology_terms", "ontology_closure")
#: bump when the derived tables change shape (new columns, another sort): cached files are rebuilt
DERIVATION = "1"
#: row groups small enough that a lookup by the sort key reads one of ~15 (zone maps on min/max)
_ROW_GROUP = 65_536
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ReferencePart:
    """One file of one reference view: what it is derived from and how to build it."""

    view: str
    part: str  # "9606", "10090" (genes per organism) or "all"
    release: str  # the source's stamp; a different one replaces the installed file
    build: Callable[[], pa.Table]
    sort_by: str | None = None

    @property
    def cache_name(self) -> str:
        digest = hashlib.sha256(f"{DERIVATION}\n{self.view}\n{self.part}\n{self.release}".encode()).hexdigest()
        return f"{self.view}-{self.part}-{digest[:16]}.parquet"


def reference_cache_dir() -> Path:
    """``$RNACORPUS_REFERENCE_CACHE`` or ``<rnacorpus cache>/references`` (derived files, per machine:
    a raw cache on object storage keeps them in the local default cache folder)."""
    from rnacorpus.config import Config, default_cache_dir

    override = os.environ.get("RNACORPUS_REFERENCE_CACHE")
    if override:
        return Path(override)
    cache = Config.from_env().cache_dir
    return (cache if isinstance(cache, Path) else default_cache_dir()) / "references"


def _derived(part: ReferencePart, cache: Path) -> Path:
    """The part's Parquet file in the cache, built (atomically) when missing or unreadable."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = cache / part.cache_name
    with contextlib.suppress(OSError, pa.ArrowInvalid):
        if pq.read_metadata(path).num_rows >= 0:
            return path
    table = part.build()
    if part.sort_by:  # sorted by the lookup key, so DuckDB's zone maps prune the other row groups
        table = table.sort_by(part.sort_by)
    with atomic_write(path) as handle:
        pq.write_table(table, handle, compression="zstd", row_group_size=_ROW_GROUP)
    log.info("built reference file %s (%d rows)", path.name, table.num_rows)
    return path


def as_store(store: ExpressionStore | Location) -> ExpressionStore:
    """The store a reference lives in, from itself or its location (a folder or an object-store URL)."""
    from rnacorpus.catalog.store import ExpressionStore

    return store if isinstance(store, ExpressionStore) else ExpressionStore(store)


def _copy_into_store(source: Path, store: ExpressionStore, view: str, part: str) -> tuple[str, str]:
    """Copy ``source`` to ``references/<view>/<part>_<sha16>.parquet`` (atomically, fsynced or verified
    upload); returns (relpath, sha256)."""
    digest = hashlib.sha256()
    with source.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    sha = digest.hexdigest()
    relpath = f"references/{view}/{part}_{sha[:16]}.parquet"
    if store.exists(relpath) and (store.is_remote or store.resolve(relpath).stat().st_size == source.stat().st_size):
        return relpath, sha  # named by its content: the same bytes are there already
    copied = hashlib.sha256()
    # a local file through fileio's atomic_write (temp, fsync, rename), an object through the tree's
    # verified upload; not through ExpressionStore.atomic_write, the shard writer (kill tests pause it by call)
    writing = store.tree.atomic_write(relpath) if store.tree is not None else atomic_write(store.resolve(relpath))
    with writing as out, source.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            copied.update(chunk)
            out.write(chunk)
    if copied.hexdigest() != sha:
        store.delete(relpath)
        raise BadContentError("reference file changed while it was copied", path=source)
    return relpath, sha


def _installed(con: duckdb.DuckDBPyConnection, view: str, part: str) -> tuple[str, str] | None:
    rows = con.execute("SELECT release, path FROM reference_files WHERE view = ? AND part = ?", [view, part]).fetchall()
    return (str(rows[0][0]), str(rows[0][1])) if rows else None


def install_reference(
    con: duckdb.DuckDBPyConnection,
    store_root: ExpressionStore | Location,
    part: ReferencePart,
    *,
    cache: Path | None = None,
) -> bool:
    """Make ``part`` the catalog's file for its view; False when that release is installed already.

    The row is what makes the file part of the catalog; call :func:`refresh_views` once the view's
    parts are installed. The file it replaces is removed at once (a reader mid-query may fail and
    retry; a crash before the removal leaves an orphan that the run-start sweep removes).
    """
    import pyarrow.parquet as pq

    store = as_store(store_root)
    held = _installed(con, part.view, part.part)
    if held is not None and held[0] == part.release and store.exists(held[1]):
        return False
    source = _derived(part, cache or reference_cache_dir())
    relpath, sha = _copy_into_store(source, store, part.view, part.part)
    rows = pq.read_metadata(source).num_rows  # the same bytes (sha256 checked on the copy)
    con.execute(
        "INSERT OR REPLACE INTO reference_files (view, part, release, path, sha256, n_rows, installed) "
        "VALUES (?, ?, ?, ?, ?, ?, current_timestamp)",
        [part.view, part.part, part.release, relpath, sha, rows],
    )
    if held is not None and held[1] != relpath and held[1] not in pinned_paths(store):  # a snapshot reads it
        store.delete(held[1])
    log.info("reference %s/%s %s installed (%d rows)", part.view, part.part, part.release, rows)
    return True


def reference_paths(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Store paths of the installed reference files (referenced: a sweep keeps them)."""
    with contextlib.suppress(duckdb.CatalogException):
        return {str(r[0]) for r in con.execute("SELECT path FROM reference_files").fetchall()}
    return set()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def refresh_views(
    con: duckdb.DuckDBPyConnection, store_root: ExpressionStore | Location, views: Sequence[str] = REFERENCE_VIEWS
) -> None:
    """The catalog's views over its installed files (writers, after an install or a migration).

    A local store's views are stored with paths relative to the store, so every connection of a
    reader that points DuckDB's ``file_search_path`` at the store sees them (:func:`use_store`) —
    cursors, pooled readers — and a store that moves needs only its recorded path changed. A store on
    object storage is named by its URL (it does not move with the catalog); its views hold full URLs.
    """
    store = as_store(store_root)
    use_store(con, store, scope="")
    _create_views(con, store, views, temp=False)


def use_store(con: duckdb.DuckDBPyConnection, store_root: ExpressionStore | Location, *, scope: str = "GLOBAL") -> None:
    """Make the reference views readable on ``con``: a local store resolves their relative paths
    (``file_search_path``, on every connection of this database instance with ``GLOBAL``; a read-only
    instance still takes settings); a store on object storage registers its fsspec filesystem."""
    from rnacorpus.catalog.store_sql import register_store

    store = as_store(store_root)
    if store.tree is not None:
        register_store(con, store)
        return
    con.execute(f"SET {scope} file_search_path = {_literal(str(store.root.resolve()))}")


def attach_references(
    con: duckdb.DuckDBPyConnection, store_root: ExpressionStore | Location, views: Sequence[str] = REFERENCE_VIEWS
) -> None:
    """Temporary views with absolute paths, for this connection only: DuckDB's sandbox
    (``enable_external_access = false``) checks a path as written and refuses relative ones, so a
    sandboxed connection hides a local store's views behind these (made before the sandbox closes).
    A store on object storage needs none: its views name full URLs, inside the sandbox's one tree."""
    store = as_store(store_root)
    if store.tree is None:
        _create_views(con, store, views, temp=True)


def reference_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of ``con`` that sees the reference views as ``con`` does.

    A cursor is a new connection to the same database: it shares the stored views and the global
    ``file_search_path``, but not ``con``'s temporary views. On a sandboxed connection those are what
    make the references readable (:func:`attach_references`), so the cursor gets its own (absolute
    paths inside the store, which the sandbox allows).
    """
    cursor = con.cursor()
    try:
        external, store = cursor.execute(
            "SELECT current_setting('enable_external_access'), current_setting('file_search_path')"
        ).fetchall()[0]
        if not external and store:  # a local store (a remote one's views name full URLs)
            attach_references(cursor, Path(str(store)))
    except BaseException:
        cursor.close()
        raise
    return cursor


def _create_views(con: duckdb.DuckDBPyConnection, store: ExpressionStore, views: Sequence[str], *, temp: bool) -> None:
    """One view per reference table over its installed files (none when nothing is installed).

    View definitions cannot take bound parameters; the paths are the catalog's own, quoted as literals.
    """
    try:
        rows = con.execute("SELECT view, path FROM reference_files ORDER BY view, part").fetchall()
    except duckdb.CatalogException:  # a catalog that never installed references
        return
    files: dict[str, list[str]] = {}
    for view, relpath in rows:
        if view not in views:
            continue
        if store.exists(str(relpath)):
            relative = not temp and store.tree is None
            files.setdefault(str(view), []).append(str(relpath) if relative else store.url(str(relpath)))
        elif temp:  # a reader: the file should be there
            log.warning("reference file %s is missing from the store %s", relpath, store.text)
        else:  # a writer between installs (parts not yet copied into a new store)
            log.debug("reference file %s is not in the store %s yet", relpath, store.text)
    kind = "TEMP VIEW" if temp else "VIEW"
    for view in views:
        if view in files:
            listed = ", ".join(_literal(p) for p in files[view])
            con.execute(f"CREATE OR REPLACE {kind} {view} AS SELECT * FROM read_parquet([{listed}])")  # noqa: S608
