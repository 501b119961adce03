"""The export benchmark's measurements, each run by ``bench_export.py child KIND`` in a fresh process.

``scan`` is the floor (a bare DuckDB scan that decodes every value), ``export`` the product
(``Catalog.export`` with :data:`EXPORT_OPTIONS`), ``pandas`` the notebook baseline (load, pivot,
normalize, concatenate). Each returns one JSON-able dict: wall and CPU seconds, samples, and the
RSS at its start (the parent adds the child's peak RSS from ``os.wait4``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXPORT_OPTIONS: dict[str, Any] = {
    "genes": "protein_coding",
    "normalize": "log1p_tpm",
    "splits": "train=0.8,validation=0.1,test=0.1",
}


def own_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def shard_paths(corpus: Path) -> list[str]:
    import duckdb

    con = duckdb.connect(str(corpus / "catalog.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT path FROM expression_shards ORDER BY path").fetchall()
    finally:
        con.close()
    return [str(corpus / "store" / r[0]) for r in rows]


def child_scan(corpus: str) -> dict[str, Any]:
    import duckdb

    paths = shard_paths(Path(corpus))
    con = duckdb.connect()
    start_rss = own_rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    row = con.execute("SELECT count(*), sum(list_sum(values)) FROM read_parquet(?)", [paths]).fetchone()
    seconds = time.perf_counter() - start
    n = int(row[0]) if row else 0
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "samples": n,
        "start_rss_mib": start_rss,
        "threads": _duckdb_threads(con),
    }


def _duckdb_threads(con: Any) -> int:
    row = con.execute("SELECT current_setting('threads')").fetchone()
    return int(row[0]) if row else 0


def child_export(corpus: str, out: str, compression: str | None = None) -> dict[str, Any]:
    """The product's export (its default codec unless ``compression`` is given)."""
    import rnacorpus.catalog.export  # noqa: F401 - imported before the clock starts, as duckdb is for the scan
    from rnacorpus.catalog.api import Catalog
    from rnacorpus.outfolder import wait_for_removals

    catalog = Catalog.open(Path(corpus) / "catalog.duckdb")
    start_rss = own_rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    codec = {"compression": compression} if compression else {}
    result = catalog.export(Path(out), overwrite=True, **codec, **EXPORT_OPTIONS)
    seconds = time.perf_counter() - start
    # the replaced export (the previous repeat's) is removed by a helper thread once the new one is in
    # place; the process waits for it before it exits, so it is timed too and reported beside the call
    wait_for_removals()
    removal_seconds = time.perf_counter() - start - seconds
    out_bytes = sum(f["bytes"] for f in result.files)
    return {
        "seconds": seconds,
        "removal_seconds": removal_seconds,
        "cpu": time.process_time() - cpu,
        "samples": result.n_samples,
        "features": result.n_features,
        "out_bytes": out_bytes,
        "start_rss_mib": start_rss,
        "splits": {k: v["samples"] for k, v in result.splits.items()},
        "cpu_seconds": result.cpu_seconds,
    }


def child_pandas(corpus: str, out: str) -> dict[str, Any]:
    """What a notebook does: read each shard with pandas, pivot to samples × genes, normalize, concat."""
    import duckdb
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    from rnacorpus.catalog.export_splits import assign_split, parse_splits
    from rnacorpus.harmonize.genes import load_reference

    corpus_dir, out_dir = Path(corpus), Path(out)
    start_rss = own_rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    reference = load_reference(9606).table.to_pandas()
    coding = reference[(reference["biotype"] == "protein_coding") & reference["ensembl_id"].notna()]
    coding = coding.sort_values("ensembl_id")
    lengths = pd.Series(coding["length"].to_numpy(np.float64), index=coding["ensembl_id"])
    con = duckdb.connect(str(corpus_dir / "catalog.duckdb"), read_only=True)
    units = dict(con.execute("SELECT sample_accession, unit FROM expression_samples").fetchall())
    shards = con.execute("SELECT path, study_accession FROM expression_shards ORDER BY path").fetchall()
    con.close()
    frames = []
    for path, study in shards:
        file = corpus_dir / "store" / path
        feature_ids = json.loads(pq.read_schema(file).metadata[b"rnacorpus.feature_ids"])
        long = pd.read_parquet(file)
        wide = pd.DataFrame(np.vstack(long["values"].to_numpy()), index=long["sample_accession"], columns=feature_ids)
        counts = wide.index.map(units) == "counts"
        if counts.any():  # a study's samples share a unit here; a mixed one needs both branches
            per_length = wide.loc[counts].div(lengths.reindex(wide.columns), axis=1)
            wide = pd.concat([per_length, wide.loc[~counts]]) if (~counts).any() else per_length
        wide = np.log1p(wide.div(wide.sum(axis=1), axis=0) * 1e6)
        wide = wide.reindex(columns=lengths.index).astype(np.float32)
        wide.insert(0, "study_accession", study)
        frames.append(wide)
    matrix = pd.concat(frames)
    spec = parse_splits(EXPORT_OPTIONS["splits"])
    split = matrix["study_accession"].map(lambda s: assign_split(s, spec, "rnacorpus"))
    pivot_seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in spec.names:
        matrix[split == name].to_parquet(out_dir / f"{name}.parquet")
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "load_pivot_concat_seconds": pivot_seconds,
        "samples": len(matrix),
        "start_rss_mib": start_rss,
    }


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "scan": child_scan,
    "export": child_export,
    "pandas": child_pandas,
}
