"""Normalization: exact conversions (cpm, tpm, their log1p) or a refusal per sample with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.column_map import ColumnMap
from rnacorpus.catalog.normalize import RULES, get_rule
from rnacorpus.errors import ConfigError
from rnacorpus.harmonize.genes import load_reference
from tests.export.catalogs import StudySpec, build_catalog, reference_genes, values_for

GENES = reference_genes(9606, "protein_coding", 8)
SPECS = [
    StudySpec("GSE1", ["GSM1", "GSM2"], GENES, unit="counts", seed=1),
    StudySpec("GSE2", ["GSM3"], GENES, unit="log2_intensity", is_log=True, seed=2),
    StudySpec("GSE3", ["GSM4"], GENES, unit="fpkm", seed=3),
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_catalog(tmp_path_factory.mktemp("norm"), SPECS)


def values(out: Path) -> dict[str, np.ndarray]:
    rows = {}
    for part in out.glob("*/part-*.parquet"):
        for row in pq.read_table(part).to_pylist():
            rows[row["sample_accession"]] = np.array(row["values"], dtype=np.float64)
    return rows


def test_log1p_cpm_converts_counts_and_refuses_the_rest(catalog: Catalog, tmp_path: Path) -> None:
    result = catalog.export(tmp_path / "o", normalize="log1p_cpm", genes=GENES)
    assert result.refused_by_normalization == ["GSM3", "GSM4"]
    raw = values_for(SPECS[0]).astype(np.float64)
    expected = np.log1p(raw / raw.sum(axis=1, keepdims=True) * 1e6)
    got = values(tmp_path / "o")
    assert np.allclose(np.vstack([got["GSM1"], got["GSM2"]]), expected, rtol=1e-5)
    refused = {
        r["sample"]: r for r in json.loads((tmp_path / "o" / "manifest.json").read_text())["normalization"]["refused"]
    }
    assert "log-scale" in refused["GSM3"]["reason"] and refused["GSM4"]["unit"] == "fpkm"


def test_tpm_from_counts_divides_by_gene_length(catalog: Catalog, tmp_path: Path) -> None:
    result = catalog.export(tmp_path / "o", normalize="tpm", genes=GENES)
    assert result.refused_by_normalization == ["GSM3"]
    lengths = load_reference(9606).table.to_pandas().set_index("ensembl_id").loc[GENES, "length"].to_numpy(float)
    raw = values_for(SPECS[0]).astype(np.float64) / lengths
    got = values(tmp_path / "o")
    assert np.allclose(got["GSM1"], raw[0] / raw[0].sum() * 1e6, rtol=1e-5)
    fpkm = values_for(SPECS[2])[0].astype(np.float64)
    assert np.allclose(got["GSM4"], fpkm / fpkm.sum() * 1e6, rtol=1e-5)


def test_scale_does_not_depend_on_the_gene_subset(catalog: Catalog, tmp_path: Path) -> None:
    catalog.export(tmp_path / "a", normalize="log1p_cpm", genes=GENES, where="study_accession = 'GSE1'")
    catalog.export(tmp_path / "b", normalize="log1p_cpm", genes=GENES[1:2], where="study_accession = 'GSE1'")
    assert np.allclose(values(tmp_path / "a")["GSM1"][1], values(tmp_path / "b")["GSM1"][0])


def test_rules_refuse_what_they_cannot_convert_exactly() -> None:
    fpkm = np.array([[10.0, 30.0, np.nan, 60.0]], dtype=np.float32)
    out = get_rule("log1p_tpm").apply(fpkm, np.array(["fpkm"]))
    assert np.isnan(out[0, 2]) and np.allclose(np.expm1(out[0, [0, 1, 3]]).sum(), 1e6, rtol=1e-5)
    assert RULES["cpm"].refusal("fpkm", False) is not None
    assert "gene lengths" in str(RULES["tpm"].refusal("counts", False, level="feature"))
    assert get_rule("none").name == "as_deposited"
    with pytest.raises(ConfigError, match="unknown normalization"):
        get_rule("zscore")


def test_gathering_columns_while_normalizing_equals_normalizing_then_gathering() -> None:
    """Mixed units in one block (counts by length, FPKM, CPM-able counts), NaN cells, genes the
    block lacks and genes without a length: the one-pass gather matches float64 arithmetic."""
    rng = np.random.default_rng(7)
    values = rng.integers(0, 900, size=(5, 12)).astype(np.float32)
    values[1, 3] = np.nan
    units = np.array(["counts", "fpkm", "counts", "tpm", "counts"])
    lengths = rng.integers(500, 5000, size=12).astype(np.float64)
    lengths[[2, 7]] = np.nan
    positions = np.array([11, -1, 0, 7, 3, 2, -1, 5], dtype=np.intp)
    columns = ColumnMap.from_positions(positions)
    for name, rule in RULES.items():
        got = rule.apply(values, units, lengths, columns)
        expected = np.full((5, len(positions)), np.nan)
        for row in range(5):
            raw = values[row].astype(np.float64)
            if rule.per_length and units[row] == "counts":
                raw = raw / lengths
            if rule.converts:
                raw = raw / np.nansum(raw) * 1e6
            if rule.log1p:
                raw = np.log1p(raw)
            expected[row] = np.where(positions >= 0, raw[np.maximum(positions, 0)], np.nan)
        assert np.array_equal(np.isnan(got), np.isnan(expected)), name
        assert np.allclose(got, expected, rtol=1e-6, equal_nan=True), name
