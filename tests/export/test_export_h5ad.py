"""``--format h5ad``: one AnnData file per split, readable backed, NaN kept, identical on rebuild."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.export.catalogs import StudySpec, build_catalog, reference_genes

anndata = pytest.importorskip("anndata", reason="anndata is not installed (pip install 'rnacorpus[anndata]')")
GENES = reference_genes(9606, "protein_coding", 30)


def test_h5ad_per_split_matches_the_parts(tmp_path: Path) -> None:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(3)], GENES[i:], seed=i) for i in range(1, 5)]
    catalog = build_catalog(tmp_path / "c", specs)
    result = catalog.export(tmp_path / "a", genes=GENES, format="parquet,h5ad", splits="train=0.5,test=0.5")
    written = [f["path"] for f in result.files if f["path"].endswith(".h5ad")]
    assert written
    from rnacorpus.read import iter_batches

    for path in written:
        split = path.removesuffix(".h5ad")
        adata = anndata.read_h5ad(tmp_path / "a" / path, backed="r")
        assert list(adata.var_names) == GENES
        rows = {
            a: v for x, m in iter_batches(tmp_path / "a", split) for a, v in zip(m["sample_accession"], x, strict=True)
        }
        assert list(adata.obs_names) == list(rows)
        assert np.array_equal(np.asarray(adata.X[:]), np.vstack(list(rows.values())), equal_nan=True)
        adata.file.close()
    again = catalog.export(tmp_path / "b", from_manifest=tmp_path / "a" / "manifest.json")
    assert again.differences == []
    only = catalog.export(tmp_path / "h", genes=GENES, format="h5ad", splits="train=1")
    assert sorted(f["path"] for f in only.files) == ["features.parquet", "samples.parquet", "train.h5ad"]
