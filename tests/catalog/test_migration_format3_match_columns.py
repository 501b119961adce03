"""Format 3 adds where each sample's values were found (supplementary files) to expression_samples."""

from __future__ import annotations

from pathlib import Path

from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.ddl import CATALOG_FORMAT
from rnacorpus.catalog.migrations import stored_format
from tests.catalog.catalog_fixtures import restore_catalog


def test_a_format2_catalog_gains_the_match_columns_and_its_rows_are_placed_by_accession(tmp_path: Path) -> None:
    path = restore_catalog(2, tmp_path / "old.duckdb")
    with writer(path) as con:
        assert stored_format(con) == CATALOG_FORMAT  # through format 3, and on to the current one
        columns = {r[0] for r in con.execute("DESCRIBE expression_samples").fetchall()}
        assert {"source_columns", "match_method", "match_confidence", "n_cells"} <= columns
        rows = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE match_method = 'accession' AND match_confidence = 1.0) "
            "FROM expression_samples"
        ).fetchone()
        assert rows is not None and rows[0] > 0 and rows[0] == rows[1]
