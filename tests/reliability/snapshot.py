"""Comparable pictures of a catalog and its store, for "same result as a clean run" assertions.

A :class:`CatalogSnapshot` holds every data table of the catalog as sorted rows, without what
legitimately differs between two runs over the same archive: timestamps, run ids, the run log itself,
and the folder the run lived in (cache paths recorded in ``studies.source_files``, the store path in
``catalog_versions``) — that prefix is replaced by ``<root>``. The big reference tables (genes,
ontology closure …) are compared by row count and an order-independent hash instead of row by row.

A :class:`StoreSnapshot` is the set of files under the expression store with their sha256, so two
runs can be compared file for file and against what the catalog references.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from rnacorpus.config import Config

__all__ = [
    "RUN_LOG_TABLES",
    "CatalogSnapshot",
    "StoreSnapshot",
    "catalog_snapshot",
    "diff_snapshots",
    "open_catalog",
    "referenced_files",
    "seeded_folder",
    "store_snapshot",
    "studies_rows",
    "study_rows",
]

#: what a run logs about itself: differs between any two runs by design
RUN_LOG_TABLES = frozenset({"runs", "run_items"})
#: columns naming the run or the moment; everything of type TIMESTAMP is dropped as well
VOLATILE_COLUMNS = frozenset({"run_id", "loaded_at", "created", "updated", "time", "finished", "started"})
#: tables above this many rows are compared by count and hash only (reference tables: genes, ontology)
ROW_LIMIT = 20_000
ROOT_TOKEN = "<root>"


@contextlib.contextmanager
def open_catalog(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for inspection (tests only: no sandbox, closed on exit)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class TablePicture:
    columns: tuple[str, ...]
    n_rows: int
    #: sorted rows (as reprs, so NULLs, lists and floats compare exactly); empty for big tables
    rows: tuple[str, ...] = ()
    #: order-independent hash over every kept column, for big tables
    fingerprint: int | None = None


@dataclass(frozen=True)
class CatalogSnapshot:
    tables: dict[str, TablePicture] = field(default_factory=dict)

    def table(self, name: str) -> TablePicture:
        return self.tables[name]


def _kept_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [name for name, kind in rows if name not in VOLATILE_COLUMNS and not str(kind).startswith("TIMESTAMP")]


def _data_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows if name not in RUN_LOG_TABLES]


def _normalize(value: Any, roots: Sequence[str]) -> str:
    text = repr(value)
    for root in roots:
        text = text.replace(root, ROOT_TOKEN)
    return text


def _picture(con: duckdb.DuckDBPyConnection, table: str, roots: Sequence[str], references: bool) -> TablePicture:
    columns = _kept_columns(con, table)
    quoted = ", ".join(f'"{c}"' for c in columns)
    n_rows = int(con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # type: ignore[index]
    if n_rows > ROW_LIMIT and not references:
        return TablePicture(tuple(columns), n_rows)
    if n_rows > ROW_LIMIT:
        # reference tables hold no run paths; bit_xor of row hashes ignores row order
        row = con.execute(f'SELECT bit_xor(hash({quoted})) FROM "{table}"').fetchone()
        return TablePicture(tuple(columns), n_rows, fingerprint=int(row[0]) if row and row[0] is not None else 0)
    rows = con.execute(f'SELECT {quoted} FROM "{table}"').fetchall()
    pictures = sorted(_normalize(tuple(r), roots) for r in rows)
    return TablePicture(tuple(columns), n_rows, rows=tuple(pictures))


def catalog_snapshot(
    path: Path, *, root: Path | None = None, references: bool = True, also: Sequence[Path | str] = ()
) -> CatalogSnapshot:
    """Every data table of the catalog at ``path``; ``root`` (the run's folder) is replaced by a token,
    and so is each of ``also`` (other roots a run wrote under: a store or cache URL, another folder).

    ``references=False`` compares the big reference tables by row count only (a study load never
    writes them; hashing them costs a few tenths of a second per snapshot).
    """
    roots = [str(r.resolve()) if isinstance(r, Path) else r for r in [*also, *([root] if root else [])]]
    roots = sorted(roots, key=len, reverse=True)  # the longest first: a root inside another
    with open_catalog(path) as con:
        return CatalogSnapshot({t: _picture(con, t, roots, references) for t in _data_tables(con)})


def diff_snapshots(left: CatalogSnapshot, right: CatalogSnapshot, *, limit: int = 5) -> list[str]:
    """Human-readable differences (empty when equal); shows a few rows from each side per table."""
    problems: list[str] = []
    for name in sorted(set(left.tables) | set(right.tables)):
        a, b = left.tables.get(name), right.tables.get(name)
        if a is None or b is None:
            problems.append(f"{name}: only in {'right' if a is None else 'left'}")
            continue
        if a == b:
            continue
        only_a = sorted(set(a.rows) - set(b.rows))[:limit]
        only_b = sorted(set(b.rows) - set(a.rows))[:limit]
        problems.append(
            f"{name}: {a.n_rows} vs {b.n_rows} rows (fingerprints {a.fingerprint} vs {b.fingerprint}); "
            f"only left: {only_a}; only right: {only_b}"
        )
    return problems


_STUDY_TABLES = {
    "studies": "accession = ?",
    "study_samples": "study_accession = ?",
    "samples": "accession IN (SELECT sample_accession FROM study_samples WHERE study_accession = ?)",
    "sample_characteristics": "sample_accession IN "
    "(SELECT sample_accession FROM study_samples WHERE study_accession = ?)",
    "expression_shards": "study_accession = ?",
    "expression_samples": "study_accession = ?",
    "xrefs": "study_accession = ?",
    "parse_issues": "study_accession = ?",
    "annotations": "sample_accession IN (SELECT sample_accession FROM study_samples WHERE study_accession = ?)",
    "gene_mapping_reports": "study_accession = ?",
}


StudyRows = dict[str, tuple[str, ...]]


def studies_rows(path: Path, accessions: list[str], *, root: Path | None = None) -> dict[str, StudyRows]:
    """Every row each study owns (study row, samples, characteristics, shards, annotations …), one
    connection for all of them."""
    root_text = str(root.resolve()) if root is not None else ""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    with open_catalog(path) as con:
        columns = {table: ", ".join(f'"{c}"' for c in _kept_columns(con, table)) for table in _STUDY_TABLES}
        for accession in accessions:
            out[accession] = {
                table: tuple(
                    sorted(
                        _normalize(tuple(r), root_text)
                        for r in con.execute(
                            f'SELECT {columns[table]} FROM "{table}" WHERE {where}', [accession]
                        ).fetchall()
                    )
                )
                for table, where in _STUDY_TABLES.items()
            }
    return out


def study_rows(path: Path, accession: str, *, root: Path | None = None) -> StudyRows:
    """Every row one study owns (its study row, samples, characteristics, shards, annotations …)."""
    return studies_rows(path, [accession], root=root)[accession]


@dataclass(frozen=True)
class StoreSnapshot:
    #: relative POSIX path → sha256, every regular file under the store (hidden temp files included)
    files: dict[str, str]

    def parquet(self) -> dict[str, str]:
        return {p: s for p, s in self.files.items() if p.endswith(".parquet") and not _hidden(p)}

    def partial(self) -> list[str]:
        """Temp files of interrupted atomic writes (``.name.xxxx.part``)."""
        return sorted(p for p in self.files if p.endswith(".part"))


def _hidden(relpath: str) -> bool:
    return Path(relpath).name.startswith(".")


def store_snapshot(store_dir: Path | str) -> StoreSnapshot:
    """Every file of a store (a folder, or an object-store URL: each object read and hashed)."""
    files: dict[str, str] = {}
    if isinstance(store_dir, str):
        from rnacorpus.storage import remote_tree

        tree = remote_tree(store_dir)
        for rel in sorted(tree.list_files()):
            with tree.open_read(rel) as handle:
                files[rel] = hashlib.sha256(handle.read()).hexdigest()
        return StoreSnapshot(files)
    if store_dir.exists():
        for path in sorted(store_dir.rglob("*")):
            if path.is_file():
                files[path.relative_to(store_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return StoreSnapshot(files)


def referenced_files(path: Path) -> dict[str, str]:
    """Store files the catalog points at (shards, platform tables, reference files) → the sha256 it recorded."""
    with open_catalog(path) as con:
        shards = con.execute("SELECT path, sha256 FROM expression_shards").fetchall()
        platforms = con.execute(
            "SELECT annotation_path, annotation_sha256 FROM platforms WHERE annotation_path IS NOT NULL"
        ).fetchall()
        references = con.execute("SELECT path, sha256 FROM reference_files").fetchall()
    return {str(p): str(s) for p, s in [*shards, *platforms, *references]}


_SEED_LOCK = threading.Lock()


def _seed_catalog(factory: pytest.TempPathFactory) -> Path:
    """A catalog holding the pinned references (genes, ontologies) and no study, made once a session.

    Loading the references into a new catalog takes seconds; every run folder starts from a copy,
    the way a cron job starts from yesterday's catalog.
    """
    from rnacorpus.pipeline.harvest import harvest

    base = factory.getbasetemp() / "reliability-seed"
    done = base / "seeded"
    with _SEED_LOCK:
        if not done.exists():
            config = Config(
                catalog_path=base / "catalog.duckdb", store_dir=base / "store", cache_dir=base / "cache", offline=True
            )
            report = harvest([], config=config)
            assert report.exit_code == 0, report.fatal
            done.touch()
    return base / "catalog.duckdb"


def seeded_folder(factory: pytest.TempPathFactory, name: str) -> Path:
    """A new run folder whose ``catalog.duckdb`` is a copy of the seed catalog (store and cache empty)."""
    seed = _seed_catalog(factory)
    folder = factory.mktemp(name)
    shutil.copyfile(seed, folder / "catalog.duckdb")
    return folder
