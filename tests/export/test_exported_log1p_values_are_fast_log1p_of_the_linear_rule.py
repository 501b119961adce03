"""An export's ``log1p_cpm`` / ``log1p_tpm`` values are :func:`~rnacorpus.catalog.fast_log1p.fast_log1p`
of the same export's ``cpm`` / ``tpm`` values, row by row and bit for bit (the linear values being the
per-million scale, checked against float64 arithmetic in ``test_export_normalize``); the manifest
names the log1p implementation for the log rules and for them only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.fast_log1p import IMPLEMENTATION, fast_log1p
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 40)
SPECS = [
    StudySpec("GSE1", ["GSM1", "GSM2", "GSM3"], GENES, unit="counts", seed=1, nan_cells=[(1, 4)]),
    StudySpec("GSE2", ["GSM4", "GSM5"], GENES[5:], unit="tpm", seed=2, platform="GPL2"),
    StudySpec("GSE3", ["GSM6"], GENES[:30], unit="fpkm", seed=3, platform="GPL3"),
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_catalog(tmp_path_factory.mktemp("log1p"), SPECS)


def rows(out: Path) -> dict[str, np.ndarray]:
    found = {}
    for part in out.glob("*/part-*.parquet"):
        table = pq.read_table(part, columns=["sample_accession", "values"])
        values = table["values"].combine_chunks().flatten().to_numpy().reshape(table.num_rows, -1)
        found |= dict(zip(table["sample_accession"].to_pylist(), values, strict=True))
    return found


@pytest.mark.parametrize("linear", ["cpm", "tpm"])
def test_each_row_is_fast_log1p_of_its_linear_values(catalog: Catalog, tmp_path: Path, linear: str) -> None:
    catalog.export(tmp_path / "lin", normalize=linear, genes="protein_coding", splits="a=0.5,b=0.5")
    catalog.export(tmp_path / "log", normalize=f"log1p_{linear}", genes="protein_coding", splits="a=0.5,b=0.5")
    scaled, logged = rows(tmp_path / "lin"), rows(tmp_path / "log")
    assert sorted(scaled) == sorted(logged) and len(logged) >= 3  # cpm: the counts study
    for accession, values in scaled.items():
        assert values.dtype == np.float32 and np.isnan(values).any() and (values > 0).any()
        expected, got = fast_log1p(values), logged[accession]
        assert np.array_equal(np.isnan(got), np.isnan(expected)), accession
        measured = ~np.isnan(got)  # NaN payloads may differ: not part of the value
        assert np.array_equal(got[measured].view(np.uint32), expected[measured].view(np.uint32)), accession
    assert "log1p" not in json.loads((tmp_path / "lin" / "manifest.json").read_text())["normalization"]
    manifest = json.loads((tmp_path / "log" / "manifest.json").read_text())
    assert manifest["normalization"]["log1p"] == IMPLEMENTATION
