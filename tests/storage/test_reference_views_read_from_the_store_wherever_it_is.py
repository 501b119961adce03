"""The reference tables (genes, synonyms, ontology terms and closure) are files in the store, read through
views: on a local folder and on object storage alike, for the sandboxed query, its cursors and the
reader rnacorpus's searches use; every reference file is in the store, named by its content."""

from __future__ import annotations

from pathlib import Path

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import connect_reader
from rnacorpus.catalog.references import REFERENCE_VIEWS, reference_cursor
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.pipeline.harvest import start_run

COUNTS = " UNION ALL ".join(f"SELECT '{view}' AS view, count(*) AS n FROM {view}" for view in REFERENCE_VIEWS)


def test_a_new_catalog_reads_its_references_from_the_store(location: Path | str, tmp_path: Path) -> None:
    config = Config(catalog_path=tmp_path / "catalog.duckdb", store_dir=location, cache_dir=tmp_path / "cache")
    start_run(config, "run-1", "harvest")
    store = ExpressionStore(location)

    catalog = Catalog.open(config.catalog_path)
    counts = {row["view"]: row["n"] for row in catalog.sql(COUNTS).to_pylist()}  # sandboxed
    assert counts["genes"] > 150_000 and counts["ontology_closure"] > 900_000
    with catalog.connect() as con:
        cursor = reference_cursor(con)
        assert dict(cursor.execute(COUNTS).fetchall()) == counts
        cursor.close()
        files = con.execute("SELECT path, sha256 FROM reference_files").fetchall()
    assert len(files) == 6 and all(store.exists(path) and path.startswith("references/") for path, _ in files)
    with connect_reader(config.catalog_path, plain=True) as con:  # the reader the searches use
        assert dict(con.execute(COUNTS).fetchall()) == counts
