"""``--format h5ad``: one AnnData file per split, written from the split's parts one row group at a time.

``X`` is a dense float32 matrix (samples × features) chunked by row group, so
``anndata.read_h5ad(path, backed="r")`` reads rows without loading the file. It stays dense on
purpose: missing genes are NaN, and a sparse matrix would turn every unstored cell into a 0 — the
"missing is not zero" rule would be lost exactly where sparsity pays. ``obs`` holds the part's
metadata columns (index: sample accession), ``var`` the features (index: feature ID). Needs the
optional extra ``rnacorpus[anndata]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from rnacorpus.catalog.export_plan import ExportPlan
from rnacorpus.catalog.export_write import WriteResult
from rnacorpus.errors import ConfigError
from rnacorpus.fileio import sha256_file

__all__ = ["write_h5ad"]


def write_h5ad(root: Path, plan: ExportPlan, written: WriteResult) -> list[dict[str, Any]]:
    try:
        import anndata
        import h5py
    except ImportError:
        raise ConfigError("--format h5ad needs the optional extra: pip install 'rnacorpus[anndata]'") from None
    write_elem = anndata.io.write_elem if hasattr(anndata, "io") else anndata.experimental.write_elem
    var = plan.genes.table.to_pandas().set_index("feature_id")
    var.index = var.index.astype(str)
    n_features = len(plan.genes.ids)
    entries = []
    for split in plan.options.split_spec.names:
        parts = [e["path"] for e in written.files if e["path"].startswith(f"{split}/")]
        if not parts:
            continue
        meta_columns = [c for c in pq.read_schema(root / parts[0]).names if c != "values"]
        obs = _obs(root, parts, meta_columns)
        path = root / f"{split}.h5ad"
        with h5py.File(path, "w", track_order=True) as f:
            f.attrs["encoding-type"] = "anndata"
            f.attrs["encoding-version"] = "0.1.0"
            write_elem(f, "obs", obs)
            write_elem(f, "var", var)
            chunk = (max(1, min(written.group_rows, len(obs))), max(1, n_features))
            x = f.create_dataset("X", shape=(len(obs), n_features), dtype="float32", chunks=chunk)
            x.attrs["encoding-type"] = "array"
            x.attrs["encoding-version"] = "0.2.0"
            row = 0
            for part in parts:
                parquet = pq.ParquetFile(root / part)
                for group in range(parquet.metadata.num_row_groups):
                    column = parquet.read_row_group(group, columns=["values"]).column("values").combine_chunks()
                    block = np.asarray(column.values.to_numpy(zero_copy_only=False), np.float32)
                    block = block.reshape(-1, n_features)
                    x[row : row + block.shape[0]] = block
                    row += block.shape[0]
            for name in ("layers", "obsm", "obsp", "varm", "varp", "uns"):
                write_elem(f, name, {})
        entries.append({"path": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size, "rows": len(obs)})
    return entries


def _obs(root: Path, parts: list[str], columns: list[str]) -> Any:
    import pandas as pd

    frames = [pq.read_table(root / p, columns=columns).to_pandas() for p in parts]
    obs = pd.concat(frames, ignore_index=True).set_index("sample_accession")
    obs.index = obs.index.astype(str)
    for column in obs.columns:
        if obs[column].dtype == object:  # text with gaps: categorical keeps the gaps (h5py strings cannot)
            obs[column] = obs[column].astype("category")
    return obs
