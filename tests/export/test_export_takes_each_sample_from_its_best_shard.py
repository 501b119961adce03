"""A sample held by several shards is exported once, from the best one: GEO's own counts before a
series matrix (``KIND_RANK``), then the shard of the sample's own study before a SuperSeries' copy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from rnacorpus.catalog.api import Catalog
from tests.builders import make_bundle


def _exported(out: Path) -> dict[str, np.ndarray]:
    table = pq.read_table(out / "train")
    values = np.asarray(table.column("values").combine_chunks().flatten(), np.float32).reshape(table.num_rows, -1)
    return dict(zip(table.column("sample_accession").to_pylist(), values, strict=True))


def test_best_kind_then_own_study(load, catalog_path: Path, store, tmp_path: Path) -> None:
    series = make_bundle("GSE1", ["GSM1", "GSM2"], kind="series_matrix", seed=1)
    counts = make_bundle("GSE1", ["GSM1", "GSM2"], kind="ncbi_counts", seed=2).expression[0]
    series.expression.append(counts)
    load(series, "k1")
    own = make_bundle("GSE3", ["GSM3"], seed=3)
    load(own, "k3")
    load(make_bundle("GSE9", ["GSM3"], sub_series=["GSE3"], seed=9), "k9")  # a SuperSeries' copy of GSM3

    catalog = Catalog.open(catalog_path, store.root)
    result = catalog.export(tmp_path / "out", level="feature", splits="train=1.0")

    got = _exported(tmp_path / "out")
    assert result.n_samples == 3 and sorted(got) == ["GSM1", "GSM2", "GSM3"]
    assert np.array_equal(got["GSM1"], counts.values[0]) and np.array_equal(got["GSM2"], counts.values[1])
    assert np.array_equal(got["GSM3"], own.expression[0].values[0])
    listed = pq.read_table(tmp_path / "out" / "samples.parquet", columns=["accession", "shard_path"])
    shards = dict(zip(listed["accession"].to_pylist(), listed["shard_path"].to_pylist(), strict=True))
    assert "ncbi_counts" in shards["GSM1"] and "study=GSE3/" in shards["GSM3"]
