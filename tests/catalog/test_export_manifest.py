"""Export: chosen samples, study-level splits, values in the target order, checksums that verify."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export import study_split, verify_export
from rnacorpus.errors import ConfigError
from tests.builders import make_bundle


@pytest.fixture
def catalog(load, catalog_path: Path, store) -> Catalog:
    load(make_bundle("GSE1", ["GSM1", "GSM2"], features=["a", "b", "c"], seed=1), "k1")
    load(make_bundle("GSE2", ["GSM3"], features=["c", "d"], tissue="brain", seed=2), "k2")
    return Catalog.open(catalog_path, store.root)


def test_export_gathers_values_into_union_order(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = catalog.export(out)
    assert (result.n_samples, result.n_features) == (3, 4)
    features = pq.read_table(out / "features.parquet").column("feature_id").to_pylist()
    assert features == ["a", "b", "c", "d"]
    table = pq.read_table(out / "expression.parquet").to_pydict()
    rows = dict(zip(table["sample_accession"], table["values"], strict=True))
    shard = catalog.store.read(
        catalog.sql("SELECT path FROM expression_shards WHERE study_accession='GSE2'").column(0)[0].as_py()
    )
    gsm3 = np.array(rows["GSM3"], dtype=np.float32)
    assert np.isnan(gsm3[:2]).all()
    assert np.allclose(gsm3[2:], shard.values[0])
    assert verify_export(out) == []


def test_where_selects_samples_and_manifest_records_it(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "out"
    catalog.export(out, where="accession IN ('GSM1', 'GSM2')", genes=["c", "a"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["samples"] == ["GSM1", "GSM2"]
    assert manifest["query"]["where"] == "accession IN ('GSM1', 'GSM2')"
    assert manifest["n_features"] == 2 and manifest["schema_version"]
    assert {f["path"] for f in manifest["files"]} == {
        "expression.parquet",
        "samples.parquet",
        "features.parquet",
    }
    samples = pq.read_table(out / "samples.parquet").to_pydict()
    assert set(samples["split"]) <= {"train", "validation", "test"}
    assert len(set(samples["split"])) == 1  # one study → one split


def test_tampered_file_fails_verification(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "out"
    catalog.export(out)
    with (out / "samples.parquet").open("ab") as handle:
        handle.write(b"x")
    assert verify_export(out) == ["samples.parquet: sha256 differs from the manifest"]


def test_where_cannot_smuggle_statements(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        catalog.export(tmp_path / "out", where="1=1); DELETE FROM samples; SELECT (1")


def test_study_split_is_deterministic_and_balanced() -> None:
    parts = [study_split(f"GSE{i}", (0.8, 0.1, 0.1), "seed") for i in range(2000)]
    assert parts == [study_split(f"GSE{i}", (0.8, 0.1, 0.1), "seed") for i in range(2000)]
    assert 0.75 < parts.count("train") / 2000 < 0.85
