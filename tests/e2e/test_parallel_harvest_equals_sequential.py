"""Build workers in processes, batched commits: the same catalog and store as one study at a time.

The corpus's GEO series (real files from many labs, SuperSeries and SubSeries sharing samples, shared
platforms, NCBI counts, acc.cgi-only records) are harvested twice through the mirror: once strictly
sequentially (one build thread, one study per catalog transaction; the session's shared reference
harvest) and once with two worker processes and transactions of up to 64 studies. Every data table,
row for row, and every store file must agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.mirror import MirrorServer
from tests.conftest import mirror_config
from tests.e2e.test_corpus_harvest import corpus_series
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots, store_snapshot

PARALLEL = {"workers": 2, "executor": "processes", "commit_batch": 64}


@pytest.mark.slow
def test_parallel_harvest_of_the_corpus_equals_a_sequential_one(
    corpus_mirror: MirrorServer, sequential_corpus_harvest: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    one = sequential_corpus_harvest
    many = tmp_path_factory.mktemp("parallel")
    report = api.harvest(corpus_series(), config=mirror_config(many, corpus_mirror.url, **PARALLEL))
    assert report.exit_code == 0 and report.counts["new"] == len(corpus_series()), report.to_dict()
    left = catalog_snapshot(one / "catalog.duckdb", root=one)
    right = catalog_snapshot(many / "catalog.duckdb", root=many)
    assert diff_snapshots(left, right) == []
    assert left.table("samples").n_rows > 500
    assert store_snapshot(one / "store").files == store_snapshot(many / "store").files
