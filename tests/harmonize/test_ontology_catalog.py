"""Catalog tables: idempotent loads, ancestor-aware filters as plain SQL joins, per-field coverage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from rnacorpus.catalog.ddl import REFERENCE_FILES_DDL
from rnacorpus.catalog.ontology_tables import (
    DDL,
    annotation_rows,
    field_coverage,
    field_filter,
    load_ontology_tables,
    stored_releases,
)
from rnacorpus.errors import ConfigError
from rnacorpus.harmonize.ontology import (
    SAMPLE_FIELD_COLUMNS,
    annotate_sample,
    ontology_releases,
    resolve_terms,
    sample_fields,
)
from rnacorpus.schemas import Characteristic, Sample

# Tissue subsets of GDS592 (mouse GNF1M atlas) as deposited, one sample each.
GDS592_TISSUES = {
    "GSM_HIPPO": "hippocampus",
    "GSM_CEREB": "cerebellum",
    "GSM_CORTEX": "cerebral cortex",
    "GSM_SC_UP": "spinal cord upper",
    "GSM_SC_LOW": "spinal cord lower",
    "GSM_LIVER": "liver",
    "GSM_NA": "N/A",
}


def _sample(accession: str, tissue: str) -> Sample:
    return Sample(
        accession=accession,
        study_accession="GDS592",
        archive="geo",
        organism_taxid=10090,
        characteristics=[Characteristic(key="tissue", value=tissue)],
    )


@pytest.fixture(scope="module")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="module")
def con(store_root: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    numeric = {"age_value", "age_min", "age_max"}
    columns = ", ".join(f"{name} {'DOUBLE' if name in numeric else 'VARCHAR'}" for name in SAMPLE_FIELD_COLUMNS)
    connection.execute(f"CREATE TABLE samples (accession VARCHAR PRIMARY KEY, organism_taxid INTEGER, {columns})")
    connection.execute("CREATE TABLE catalog_versions (key VARCHAR PRIMARY KEY, value VARCHAR, updated TIMESTAMP)")
    connection.execute(REFERENCE_FILES_DDL)
    assert load_ontology_tables(connection, store_root) is True  # terms and closure: views over store files
    rows, annotations = [], []
    for accession, tissue in GDS592_TISSUES.items():
        decided = annotate_sample(_sample(accession, tissue))
        rows.append({"accession": accession, "organism_taxid": 10090, **sample_fields(decided)})
        annotations.extend(annotation_rows(accession, decided))
    connection.register("incoming", pa.Table.from_pylist(rows))
    connection.execute("INSERT INTO samples BY NAME SELECT * FROM incoming")
    connection.register("incoming_annotations", pa.Table.from_pylist(annotations))
    connection.execute("INSERT INTO annotations BY NAME SELECT * FROM incoming_annotations")
    yield connection
    connection.close()


def _matching(con: duckdb.DuckDBPyConnection, field: str, name: str, *, descendants: bool = True) -> set[str]:
    predicate, params = field_filter(field, resolve_terms(field, name), descendants=descendants)
    rows = con.execute(f"SELECT accession FROM samples WHERE {predicate}", params).fetchall()
    return {row[0] for row in rows}


def test_brain_finds_hippocampus_and_cerebellum_and_no_spinal_cord(con: duckdb.DuckDBPyConnection) -> None:
    assert _matching(con, "tissue", "brain") == {"GSM_HIPPO", "GSM_CEREB", "GSM_CORTEX"}
    assert _matching(con, "tissue", "UBERON:0000955") == {"GSM_HIPPO", "GSM_CEREB", "GSM_CORTEX"}
    assert _matching(con, "tissue", "spinal cord") == {"GSM_SC_UP", "GSM_SC_LOW"}


def test_exact_turns_descendants_off(con: duckdb.DuckDBPyConnection) -> None:
    assert _matching(con, "tissue", "brain", descendants=False) == set()
    assert _matching(con, "tissue", "cerebellum", descendants=False) == {"GSM_CEREB"}


def test_organism_filter_and_sql_values_are_bound(con: duckdb.DuckDBPyConnection) -> None:
    assert len(_matching(con, "organism", "mouse")) == len(GDS592_TISSUES)
    hostile = "UBERON:0000955') OR 1=1 --"
    predicate, params = field_filter("tissue", [hostile])
    assert hostile not in predicate and params == [[hostile], [hostile]]
    assert con.execute(f"SELECT count(*) FROM samples WHERE {predicate}", params).fetchone() == (0,)
    with pytest.raises(ConfigError):
        field_filter("tissue_id; DROP TABLE samples", ["x"])
    with pytest.raises(ConfigError):
        field_filter("tissue", ["x"], alias="samples s")


def test_loading_again_is_a_no_op_and_the_stamp_is_stored(con: duckdb.DuckDBPyConnection, store_root: Path) -> None:
    before = con.execute("SELECT count(*) FROM ontology_closure").fetchone()
    assert load_ontology_tables(con, store_root) is False
    assert con.execute("SELECT count(*) FROM ontology_closure").fetchone() == before
    assert stored_releases(con) == ontology_releases()
    stamp = con.execute("SELECT value FROM catalog_versions WHERE key = 'ontology_release'").fetchone()
    assert stamp is not None and "UBERON" in stamp[0]
    for statement in DDL:  # the DDL itself is idempotent
        con.execute(statement)


def test_terms_join_for_labels(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT t.label FROM samples s JOIN ontology_terms t ON t.term_id = s.tissue_id WHERE accession = ?",
        ["GSM_HIPPO"],
    ).fetchone()
    assert row == ("hippocampal formation",)


def test_coverage_counts_mapped_unmapped_and_absent(con: duckdb.DuckDBPyConnection) -> None:
    report = {row["field"]: row for row in field_coverage(con, ["tissue", "sex"])}
    assert report["tissue"] == {"field": "tissue", "mapped": 6, "unmapped": 1, "absent": 0, "total": 7}
    assert report["sex"]["absent"] == 7
