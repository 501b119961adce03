"""``--where`` is one predicate on ``samples``: no ``)`` escape, no second statement, no comment."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export_select import select_accessions
from rnacorpus.errors import ConfigError
from tests.builders import make_bundle


@pytest.fixture
def catalog(load, catalog_path: Path, store) -> Catalog:
    load(make_bundle("GSE1", ["GSM1", "GSM2"], features=["a", "b"], seed=1), "k1")
    return Catalog.open(catalog_path, store.root)


@pytest.mark.parametrize(
    "where",
    [
        "1=1) OR (1=1",
        "1=1) UNION SELECT ('GSM9'",
        "1=1) ORDER BY (1",
        "1=1) GROUP BY (accession",
        "true; DELETE FROM samples",
        "true -- and the rest",
        "true /* hidden */",
        "(accession = 'GSM1'",
        "",
    ],
)
def test_escapes_and_second_statements_are_refused(catalog: Catalog, where: str) -> None:
    with catalog.connect() as con, pytest.raises(ConfigError):
        select_accessions(con, where)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("accession = 'GSM1'", ["GSM1"]),
        ("title IN ('sample GSM1', ')(') OR (accession = 'GSM2')", ["GSM1", "GSM2"]),
        ("accession IN (SELECT sample_accession FROM expression_samples)", ["GSM1", "GSM2"]),
        ("title = 'sample GSM2' AND organism_taxid = 9606", ["GSM2"]),
    ],
)
def test_predicates_with_parentheses_inside_work(catalog: Catalog, where: str, expected: list[str]) -> None:
    with catalog.connect() as con:
        assert select_accessions(con, where) == expected


def test_unknown_column_is_a_config_error_naming_it(catalog: Catalog) -> None:
    with catalog.connect() as con, pytest.raises(ConfigError, match="tissue_lable"):
        select_accessions(con, "tissue_lable = 'liver'")
