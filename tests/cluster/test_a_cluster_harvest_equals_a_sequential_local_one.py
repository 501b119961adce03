"""The corpus harvested on a Dask cluster with the store and cache on S3 equals a sequential local harvest.

A scheduler and two worker processes on loopback (:mod:`tests.cluster.conftest`) build the corpus's
GEO series (real files: SuperSeries and SubSeries sharing samples, shared platforms, NCBI counts,
acc.cgi-only records) while the driver fetches through the mirror and commits; store and raw cache
live on the local S3 endpoint. Every data table equals, row for row, what a strictly sequential local
harvest gives (run ids, times and the run's own paths aside), and ``query`` and ``export`` read the
store on S3 (through DuckDB's registered fsspec filesystem) to the same answers as the local store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rnacorpus import api
from rnacorpus.mirror import MirrorServer
from tests.conftest import mirror_config
from tests.e2e.test_corpus_harvest import corpus_series
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots
from tests.s3 import S3Endpoint


@pytest.mark.slow
def test_a_cluster_harvest_to_s3_equals_a_sequential_local_harvest(
    corpus_mirror: MirrorServer,
    sequential_corpus_harvest: Path,
    dask_cluster: Any,
    s3: S3Endpoint,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    local = sequential_corpus_harvest
    cluster = tmp_path_factory.mktemp("cluster")
    bucket = s3.new_bucket() + "/corpus"
    config = mirror_config(
        cluster,
        corpus_mirror.url,
        store_dir=f"{bucket}/store",
        cache_dir=f"{bucket}/cache",
        scheduler=dask_cluster.scheduler_address,
    )
    report = api.harvest(corpus_series(), config=config)
    assert report.exit_code == 0 and report.counts["new"] == len(corpus_series()), report.to_dict()

    theirs = catalog_snapshot(local / "catalog.duckdb", root=local, references=False)
    mine = catalog_snapshot(cluster / "catalog.duckdb", root=cluster, also=[bucket], references=False)
    assert diff_snapshots(mine, theirs) == []
    assert mine.table("samples").n_rows > 500

    # query reads the S3 store through the expression view, and agrees with the local store
    sql = "SELECT sample_accession, len(values) AS n, hash(values) AS h FROM expression ORDER BY ALL"
    on_s3 = api.query(sql, catalog=cluster / "catalog.duckdb")
    assert on_s3.num_rows > 100 and on_s3.equals(api.query(sql, catalog=local / "catalog.duckdb"))

    # an export gathers values from the S3 store: the same files, byte for byte
    options: dict[str, Any] = {"organism": "Homo sapiens", "allow_mixed": True}
    api.export(cluster / "out", catalog=cluster / "catalog.duckdb", **options)
    api.export(cluster / "reference", catalog=local / "catalog.duckdb", **options)
    assert files_of(cluster / "out") == files_of(cluster / "reference")


def files_of(export: Path) -> dict[str, str]:
    return {f["path"]: f["sha256"] for f in json.loads((export / "manifest.json").read_text())["files"]}
