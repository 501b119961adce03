"""A small catalog for query tests: the pinned references (a copy of the reliability seed) plus a few
hand-made samples whose harmonized fields are known, optionally grown to many thousands of rows.

The rows use real ontology terms (labels and synonyms come from the catalog's own ``ontology_terms``
in the tests, never typed here), plus one sample whose stage label no ontology release holds, the way
a catalog written by an older release can.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.reliability.snapshot import seeded_folder

__all__ = ["ROWS", "query_world"]

_MOUSE = {"organism_taxid": 10090, "organism_name": "Mus musculus"}
_HUMAN = {"organism_taxid": 9606, "organism_name": "Homo sapiens"}

ROWS: list[dict[str, Any]] = [
    {
        "accession": "GSM1",
        **_MOUSE,
        "tissue_id": "UBERON:0002421",
        "tissue_label": "hippocampal formation",
        "development_stage_id": "MmusDv:0000110",
        "development_stage_label": "mature stage",
        "sex_id": "PATO:0000383",
        "sex_label": "female",
        "disease_id": "MONDO:0004975",
        "disease_label": "Alzheimer disease",
        "age_value": 8.0,
        "age_unit": "week",
        "unit": "counts",
        "is_log": False,
    },
    {
        "accession": "GSM2",
        **_HUMAN,
        "tissue_id": "UBERON:0002107",
        "tissue_label": "liver",
        "development_stage_id": "HsapDv:0000258",
        "development_stage_label": "adult stage",
        "sex_id": "PATO:0000384",
        "sex_label": "male",
        "disease_id": "MONDO:0005015",
        "disease_label": "diabetes mellitus",
        "cell_type_id": "CL:0000182",
        "cell_type_label": "hepatocyte",
        "age_min": 40.0,
        "age_max": 50.0,
        "age_unit": "year",
        "unit": "tpm",
        "is_log": True,
    },
    {
        "accession": "GSM3",
        **_HUMAN,
        "tissue_id": "UBERON:0002107",
        "tissue_label": "liver",
        "development_stage_id": "HsapDv:9999999",
        "development_stage_label": "late fetal stage (old release)",
        "unit": "counts",
    },
]


def _insert(con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    values = {"study_accession": "GSE1", "archive": "geo", **row}
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    con.execute(f"INSERT INTO samples ({names}) VALUES ({marks})", list(values.values()))


def query_world(factory: pytest.TempPathFactory, name: str, *, liver_copies: int = 0) -> Path:
    """The catalog path; ``liver_copies`` more human liver samples (``GSM9…``) for scale."""
    folder = seeded_folder(factory, name)
    catalog = folder / "catalog.duckdb"
    con = duckdb.connect(str(catalog))
    try:
        for row in ROWS:
            _insert(con, row)
        if liver_copies:
            con.execute(
                "INSERT INTO samples SELECT s.* REPLACE (printf('GSM9%07d', r.i) AS accession) "
                "FROM samples s, range(?) r(i) WHERE s.accession = 'GSM2'",
                [liver_copies],
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return catalog
