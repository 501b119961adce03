"""The pinned reference tables live as files in the store and read as views; a new catalog is small.

A new catalog installs ``genes``, ``gene_synonyms``, ``ontology_terms`` and ``ontology_closure`` as
content-hashed Parquet files (no million-row inserts) and stays under 10 MB; queries — the sandboxed
``query`` included — read the views as tables. A format-3 catalog moves exactly the rows its tables
held into the store. Installing an installed release writes nothing; a new release replaces the file.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import connect_reader, writer
from rnacorpus.catalog.ddl import CATALOG_FORMAT, REFERENCE_FILES_DDL
from rnacorpus.catalog.migrations import stored_format
from rnacorpus.catalog.ontology_tables import field_filter
from rnacorpus.catalog.references import (
    REFERENCE_VIEWS,
    ReferencePart,
    attach_references,
    install_reference,
    reference_cursor,
)
from rnacorpus.config import Config
from rnacorpus.fileio import sha256_file
from rnacorpus.pipeline.harvest import start_run
from tests.catalog.catalog_fixtures import CATALOGS, restore_catalog
from tests.conftest import REPO_ROOT

MB = 1024 * 1024


def base_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
    ).fetchall()
    return {str(r[0]) for r in rows}


def test_a_new_catalog_is_small_and_its_references_read_as_tables(tmp_path: Path) -> None:
    config = Config(catalog_path=tmp_path / "catalog.duckdb", store_dir=tmp_path / "store", cache_dir=tmp_path / "c")
    start_run(config, "run-1", "harvest")
    assert config.catalog_path.stat().st_size <= 10 * MB
    catalog = Catalog.open(config.catalog_path)
    counts = catalog.sql(
        "SELECT (SELECT count(*) FROM genes) AS genes, (SELECT count(*) FROM gene_synonyms) AS synonyms, "
        "(SELECT count(*) FROM ontology_terms) AS terms, (SELECT count(*) FROM ontology_closure) AS pairs"
    ).to_pylist()[0]
    assert counts["genes"] > 150_000 and counts["synonyms"] > 300_000
    assert counts["terms"] > 200_000 and counts["pairs"] > 900_000
    with connect_reader(config.catalog_path) as con:  # the sandbox: only the store is open, and it suffices
        assert not set(REFERENCE_VIEWS) & base_tables(con)
        predicate, params = field_filter("tissue", ["UBERON:0000955"])
        descendants = con.execute(
            f"SELECT count(*) FROM (SELECT 'UBERON:0002421' AS tissue_id) AS samples WHERE {predicate}", params
        ).fetchall()
        assert descendants == [(1,)]  # hippocampus is under brain
        cursor = reference_cursor(con)  # a cursor does not share the sandbox's temporary views: it gets its own
        assert cursor.execute("SELECT count(*) > 0 FROM ontology_closure").fetchall() == [(True,)]
        cursor.close()
        for path, sha in con.execute("SELECT path, sha256 FROM reference_files").fetchall():
            assert sha256_file(config.store_dir / path) == sha
    before = sorted(p.relative_to(config.store_dir).as_posix() for p in config.store_dir.rglob("*.parquet"))
    start_run(config, "run-2", "harvest")  # installed already: nothing is written again
    after = sorted(p.relative_to(config.store_dir).as_posix() for p in config.store_dir.rglob("*.parquet"))
    assert before == after and len(after) == 6


def test_an_installed_release_is_kept_and_a_new_one_replaces_its_file(tmp_path: Path) -> None:
    store = tmp_path / "store"
    con = duckdb.connect()
    con.execute(REFERENCE_FILES_DDL)

    def part(release: str, values: list[str]) -> ReferencePart:
        return ReferencePart("ontology_terms", "all", release, lambda: pa.table({"term_id": values}), "term_id")

    assert install_reference(con, store, part("r1", ["B", "A"]), cache=tmp_path / "cache") is True
    assert install_reference(con, store, part("r1", ["changed"]), cache=tmp_path / "cache") is False
    (old,) = con.execute("SELECT path FROM reference_files").fetchall()[0]
    assert pq.read_table(store / old).column("term_id").to_pylist() == ["A", "B"]  # sorted by its key
    assert install_reference(con, store, part("r2", ["C"]), cache=tmp_path / "cache") is True
    (new,) = con.execute("SELECT path FROM reference_files").fetchall()[0]
    assert new != old and not (store / old).exists()
    attach_references(con, store)
    assert con.execute("SELECT term_id FROM ontology_terms").fetchall() == [("C",)]


def test_a_format3_catalog_moves_exactly_its_reference_rows_into_the_store(tmp_path: Path) -> None:
    path = restore_catalog(3, tmp_path / "old.duckdb")
    store = tmp_path / "store"
    con = duckdb.connect(str(path))
    con.execute("UPDATE catalog_versions SET value = ? WHERE key = 'store_dir'", [str(store)])
    con.close()
    with writer(path) as con:
        assert stored_format(con) == CATALOG_FORMAT
        assert not set(REFERENCE_VIEWS) & base_tables(con)
        parts = con.execute("SELECT view, part, release FROM reference_files ORDER BY 1, 2").fetchall()
    assert [(v, p) for v, p, _ in parts] == [
        ("gene_synonyms", "10090"),
        ("gene_synonyms", "9606"),
        ("genes", "10090"),
        ("genes", "9606"),
        ("ontology_closure", "all"),
        ("ontology_terms", "all"),
    ]
    assert all(release.startswith(("hgnc", "mgi")) for view, _, release in parts if view.startswith("gene"))
    with connect_reader(path, store_dir=store) as con:
        for view in REFERENCE_VIEWS:
            fixture = pq.read_table(CATALOGS / "format3" / f"{view}.parquet")
            held = con.sql(f"SELECT * FROM {view}").to_arrow_table()
            assert held.num_rows == fixture.num_rows > 0
            assert sorted(map(str, held.to_pylist())) == sorted(map(str, fixture.to_pylist()))


_HOLD = """
import sys, time
from pathlib import Path
from rnacorpus.catalog.connection import writer
with writer(Path(sys.argv[1])):
    Path(sys.argv[2]).touch()
    time.sleep(1.0)
"""


def test_a_reader_waiting_for_a_writer_says_so_and_gets_in(tmp_path: Path) -> None:
    config = Config(catalog_path=tmp_path / "catalog.duckdb", store_dir=tmp_path / "store", cache_dir=tmp_path / "c")
    start_run(config, "run-1", "harvest")
    held = tmp_path / "held"
    child = subprocess.Popen([sys.executable, "-c", _HOLD, str(config.catalog_path), str(held)], cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + 60
        while not held.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        con = connect_reader(config.catalog_path, timeout=30)  # waits for the other process's writer
        assert con.execute("SELECT count(*) FROM ontology_terms").fetchall()[0][0] > 0
        con.close()
    finally:
        child.wait(timeout=60)
    # the next writer open sees it and leaves readers a gap (connection._yield_to_readers)
    assert (tmp_path / "catalog.duckdb.readers").exists()
