"""Layout for streaming: <split>/part-*.parquet rows with float32 ``values`` in features.parquet order,
NaN (never 0) for genes a sample does not have, ``gene_coverage`` per sample, a manifest that verifies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export import verify_export
from rnacorpus.catalog.export_parts import rows_per_group
from tests.export.catalogs import StudySpec, build_catalog, reference_genes, values_for

GENES = reference_genes(9606, "protein_coding", 60)
SPECS = [
    StudySpec("GSE1", ["GSM11", "GSM12", "GSM13"], GENES[:40], seed=1, nan_cells=[(0, 3)]),
    StudySpec("GSE2", ["GSM21", "GSM22"], GENES[20:60], seed=2),
    StudySpec("GSE3", ["GSM31", "GSM32", "GSM33", "GSM34"], GENES[10:50], seed=3),
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_catalog(tmp_path_factory.mktemp("layout"), SPECS)


@pytest.fixture(scope="module")
def export(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "set"
    catalog.export(out, genes=GENES, splits="train=0.5,val=0.25,test=0.25", seed="s1")
    return out


def rows_by_sample(out: Path) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for part in sorted(out.glob("*/part-*.parquet")):
        for row in pq.read_table(part).to_pylist():
            rows[str(row["sample_accession"])] = row
    return rows


def test_each_split_is_a_folder_of_parts_and_the_manifest_verifies(export: Path) -> None:
    manifest = json.loads((export / "manifest.json").read_text())
    parts = [f["path"] for f in manifest["files"] if "/part-" in f["path"]]
    assert parts and all(p.split("/")[0] in {"train", "val", "test"} for p in parts)
    assert {"features.parquet", "samples.parquet"} <= {f["path"] for f in manifest["files"]}
    assert manifest["layout"]["row_group_rows"] == rows_per_group(len(GENES))
    assert sum(s["samples"] for s in manifest["splits"]["sizes"].values()) == 9
    assert verify_export(export) == []


def test_values_are_in_feature_order_with_nan_for_missing_genes(export: Path) -> None:
    features = pq.read_table(export / "features.parquet").column("feature_id").to_pylist()
    assert features == GENES  # a list keeps its order
    rows = rows_by_sample(export)
    for spec in SPECS:
        expected = values_for(spec)
        for i, sample in enumerate(spec.samples):
            got = np.array(rows[sample]["values"], dtype=np.float32)
            positions = [features.index(g) for g in spec.genes]
            assert np.allclose(got[positions], expected[i], equal_nan=True)
            outside = np.setdiff1d(np.arange(len(features)), positions)
            assert np.isnan(got[outside]).all()  # never 0
    gsm11 = np.array(rows["GSM11"]["values"], dtype=np.float32)
    assert np.isnan(gsm11[features.index(SPECS[0].genes[3])])
    assert rows["GSM11"]["gene_coverage"] == pytest.approx(39 / 60)
    assert rows["GSM12"]["gene_coverage"] == pytest.approx(40 / 60)


def test_samples_parquet_says_where_each_sample_is(export: Path) -> None:
    samples = pq.read_table(export / "samples.parquet").to_pylist()
    rows = rows_by_sample(export)
    assert len(samples) == 9
    for entry in samples:
        part = pq.read_table(export / entry["part"]).slice(entry["row"], 1).to_pylist()[0]
        assert part["sample_accession"] == entry["accession"]
        assert part["split"] == entry["split"] == rows[entry["accession"]]["split"]
        assert entry["shard_sha256"] and entry["split_unit"] == entry["study_accession"]


def test_manifest_lists_samples_with_study_and_split(export: Path) -> None:
    manifest = json.loads((export / "manifest.json").read_text())
    listed = {e["sample_accession"]: e for e in manifest["samples"]}
    rows = rows_by_sample(export)
    assert set(listed) == set(rows)
    assert all(listed[s]["split"] == rows[s]["split"] and listed[s]["study_accession"] for s in rows)
    assert manifest["options"]["splits"] == "train=0.5,val=0.25,test=0.25"
    assert manifest["genes"]["n"] == 60 and manifest["catalog"]["versions"]
