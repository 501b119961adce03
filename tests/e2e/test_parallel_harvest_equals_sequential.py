"""Build workers in processes, batched commits: the same catalog and store as one study at a time.

The corpus's GEO series (real files from many labs, SuperSeries and SubSeries sharing samples, shared
platforms, NCBI counts, acc.cgi-only records) are harvested twice through the mirror: once strictly
sequentially (one build thread, one study per catalog transaction) and once with two worker processes
and transactions of up to 64 studies. Every data table, row for row, and every store file must agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.mirror import MirrorServer
from tests.conftest import corpus_root, mirror_config
from tests.e2e.test_corpus_harvest import FAMILY_SOFT, OTHER_SERIES, scan
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots, store_snapshot

SEQUENTIAL = {"workers": 1, "executor": "threads", "commit_batch": 1}
PARALLEL = {"workers": 2, "executor": "processes", "commit_batch": 64}


def harvest_into(folder: Path, mirror: MirrorServer, options: dict[str, object]) -> Path:
    accessions = [scan(corpus_root() / "geo" / "soft" / name)[0] for name in FAMILY_SOFT] + OTHER_SERIES
    report = api.harvest(accessions, config=mirror_config(folder, mirror.url, **options))
    assert report.exit_code == 0, report.to_dict()
    assert report.counts["new"] == len(accessions)
    return folder


@pytest.mark.slow
def test_parallel_harvest_of_the_corpus_equals_a_sequential_one(
    corpus_mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    one = harvest_into(tmp_path_factory.mktemp("sequential"), corpus_mirror, SEQUENTIAL)
    many = harvest_into(tmp_path_factory.mktemp("parallel"), corpus_mirror, PARALLEL)
    left = catalog_snapshot(one / "catalog.duckdb", root=one)
    right = catalog_snapshot(many / "catalog.duckdb", root=many)
    assert diff_snapshots(left, right) == []
    assert left.table("samples").n_rows > 500
    assert store_snapshot(one / "store").files == store_snapshot(many / "store").files
