"""Export normalization: exact conversions only; everything else refused with a reason in the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.load import LoadPlan, SampleUnit, ShardPlan, load_study
from rnacorpus.catalog.normalize import RULES, get_rule
from rnacorpus.errors import ConfigError
from tests.builders import make_bundle


def load_with_unit(catalog_path: Path, store, accession: str, samples: list[str], unit: str, is_log: bool) -> None:
    bundle = make_bundle(accession, samples, features=["g1", "g2", "g3", "g4"], seed=len(accession))
    matrix = bundle.expression[0]
    matrix.values = np.abs(matrix.values).round() + 1
    units = {s: SampleUnit(unit, is_log, "test", 0.9) for s in samples}
    plan = LoadPlan(bundle=bundle, content_sha256=accession, run_id="r", shards=[ShardPlan(matrix, sample_units=units)])
    with writer(catalog_path) as con:
        load_study(con, store, plan)


@pytest.fixture
def catalog(catalog_path: Path, store) -> Catalog:
    load_with_unit(catalog_path, store, "GSE1", ["GSM1", "GSM2"], "counts", False)
    load_with_unit(catalog_path, store, "GSE2", ["GSM3"], "log2_intensity", True)
    load_with_unit(catalog_path, store, "GSE3", ["GSM4"], "fpkm", False)
    return Catalog.open(catalog_path, store.root)


def test_log1p_cpm_converts_counts_and_refuses_the_rest(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = catalog.export(out, normalize="log1p_cpm", genes=["g1", "g2", "g3", "g4"])
    assert result.refused_by_normalization == ["GSM3", "GSM4"]
    table = pq.read_table(out / "expression.parquet").to_pydict()
    assert table["sample_accession"] == ["GSM1", "GSM2"]
    shard_path = catalog.sql("SELECT path FROM expression_shards WHERE study_accession = 'GSE1'").column(0)[0]
    raw = catalog.store.read(shard_path.as_py()).values
    expected = np.log1p(raw / raw.sum(axis=1, keepdims=True) * 1e6)
    assert np.allclose(np.array(table["values"]), expected, rtol=1e-5)
    manifest = json.loads((out / "manifest.json").read_text())
    refused = {r["sample"]: r for r in manifest["normalization"]["refused"]}
    assert "log-scale" in refused["GSM3"]["reason"] and refused["GSM4"]["unit"] == "fpkm"
    assert manifest["normalization"]["rule"] == "log1p_cpm"


def test_scale_does_not_depend_on_the_gene_subset(catalog: Catalog, tmp_path: Path) -> None:
    full = catalog.export(tmp_path / "a", normalize="log1p_cpm", genes=["g1", "g2", "g3", "g4"])
    part = catalog.export(tmp_path / "b", normalize="log1p_cpm", genes=["g2"])
    assert full.n_samples == part.n_samples == 2
    a = np.array(pq.read_table(tmp_path / "a" / "expression.parquet").column("values").to_pylist())
    b = np.array(pq.read_table(tmp_path / "b" / "expression.parquet").column("values").to_pylist())
    assert np.allclose(a[:, 1], b[:, 0])


def test_tpm_rule_rescales_fpkm_exactly() -> None:
    fpkm = np.array([[10.0, 30.0, np.nan, 60.0]], dtype=np.float32)
    out = get_rule("log1p_tpm").apply(fpkm)
    assert np.isnan(out[0, 2])
    assert np.allclose(np.expm1(out[0, [0, 1, 3]]).sum(), 1e6, rtol=1e-5)
    assert RULES["log1p_tpm"].refusal("fpkm", False) is None
    assert RULES["log1p_tpm"].refusal("counts", False) is not None


def test_unknown_rule_is_a_config_error(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown normalization"):
        catalog.export(tmp_path / "x", normalize="zscore")
