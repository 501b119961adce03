"""User SQL runs read-only, cannot touch files outside the store, and only SELECT/EXPLAIN pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import ConfigError
from tests.builders import make_bundle


@pytest.fixture
def catalog(load, catalog_path: Path, store) -> Catalog:
    load(make_bundle("GSE1", ["GSM1", "GSM2"]), "k1")
    return Catalog.open(catalog_path)


def test_select_works_and_expression_view_reads_shards(catalog: Catalog) -> None:
    assert catalog.sql("SELECT count(*) AS n FROM samples").to_pylist() == [{"n": 2}]
    rows = catalog.sql("SELECT sample_accession, len(values) AS n FROM expression ORDER BY 1").to_pylist()
    assert rows == [{"sample_accession": "GSM1", "n": 5}, {"sample_accession": "GSM2", "n": 5}]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM samples",
        "SELECT 1; DROP TABLE samples",
        "COPY samples TO '/tmp/x.csv'",
        "ATTACH '/tmp/other.duckdb'",
        "INSTALL httpfs",
        "SET enable_external_access = true",
    ],
)
def test_writes_and_settings_are_refused(catalog: Catalog, sql: str) -> None:
    with pytest.raises(ConfigError):
        catalog.sql(sql)
    assert catalog.sql("SELECT count(*) AS n FROM samples").to_pylist() == [{"n": 2}]


def test_file_system_is_closed(catalog: Catalog) -> None:
    with pytest.raises(ConfigError, match=r"disabled by configuration|Permission"):
        catalog.sql("SELECT * FROM read_csv('/etc/passwd')")


def test_parameters_are_bound_not_pasted(catalog: Catalog) -> None:
    hostile = "GSM1' OR '1'='1"
    assert catalog.sql("SELECT accession FROM samples WHERE accession = ?", [hostile]).num_rows == 0
