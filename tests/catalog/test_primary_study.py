"""A sample in a SuperSeries and its SubSeries belongs to the SubSeries, whatever the load order."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.catalog.connection import connect_reader
from tests.builders import make_bundle


def primary(catalog_path: Path) -> dict[str, str]:
    con = connect_reader(catalog_path, sandbox=False)
    try:
        return dict(con.execute("SELECT accession, study_accession FROM samples").fetchall())
    finally:
        con.close()


@pytest.mark.parametrize("super_first", [True, False])
def test_subseries_wins(load, catalog_path: Path, super_first: bool) -> None:
    superseries = make_bundle("GSE900", ["GSM1", "GSM2", "GSM3"], sub_series=["GSE901", "GSE902"])
    sub_a = make_bundle("GSE901", ["GSM1", "GSM2"])
    sub_b = make_bundle("GSE902", ["GSM3"])
    order = [superseries, sub_a, sub_b] if super_first else [sub_b, sub_a, superseries]
    for i, bundle in enumerate(order):
        load(bundle, f"hash-{i}")
    assert primary(catalog_path) == {"GSM1": "GSE901", "GSM2": "GSE901", "GSM3": "GSE902"}
    con = connect_reader(catalog_path, sandbox=False)
    assert con.execute("SELECT count(*) FROM study_samples").fetchone() == (6,)
    con.close()
