"""Harvest with the store and the raw cache on object storage (or locally): query and export read it.

The same tests run against a harvest whose store and cache are local folders and one whose store and
cache are on a local S3 endpoint: the catalogs agree (paths aside), DuckDB reads the shards through the
registered fsspec filesystem inside the read-only sandbox, and the exports agree file for file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import ConfigError
from rnacorpus.mirror import MirrorServer
from tests.conftest import mirror_config
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots, seeded_folder
from tests.s3 import S3Endpoint
from tests.storage.conftest import BACKENDS

DEMO = ["GSE990100", "GSE990101", "GSE990102", "GSE990103"]


@dataclass(frozen=True)
class Run:
    folder: Path
    #: where the store and the cache went: a local folder or an s3:// prefix
    location: Path | str

    @property
    def store(self) -> Path | str:
        return under(self.location, "store")

    @property
    def catalog(self) -> Catalog:
        return Catalog.open(self.folder / "catalog.duckdb")


def under(location: Path | str, name: str) -> Path | str:
    return f"{location}/{name}" if isinstance(location, str) else location / name


def harvest(folder: Path, mirror: MirrorServer, location: Path | str) -> Run:
    config = mirror_config(folder, mirror.url, store_dir=under(location, "store"), cache_dir=under(location, "cache"))
    report = api.harvest(DEMO, config=config)
    assert report.exit_code == 0, report.to_dict()
    return Run(folder, location)


@pytest.fixture(scope="module")
def local_run(demo_mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = seeded_folder(tmp_path_factory, "local-run")
    return harvest(folder, demo_mirror, folder)


@pytest.fixture(scope="module", params=BACKENDS)
def run(request: pytest.FixtureRequest, local_run: Run, demo_mirror: MirrorServer,
        tmp_path_factory: pytest.TempPathFactory) -> Run:  # fmt: skip
    if request.param == "local":
        return local_run
    endpoint: S3Endpoint = request.getfixturevalue("s3")
    return harvest(seeded_folder(tmp_path_factory, "s3-run"), demo_mirror, endpoint.new_bucket() + "/corpus")


@pytest.mark.slow
def test_the_catalog_equals_a_local_harvest(run: Run, local_run: Run) -> None:
    mine = catalog_snapshot(run.folder / "catalog.duckdb", root=run.folder, also=[run.location], references=False)
    theirs = catalog_snapshot(local_run.folder / "catalog.duckdb", root=local_run.folder, references=False)
    assert diff_snapshots(mine, theirs) == []
    store = run.store if isinstance(run.store, str) else str(run.store.resolve())
    assert run.catalog.versions()["store_dir"] == store


def test_the_expression_view_reads_every_shard(run: Run) -> None:
    catalog = run.catalog
    n_shards = catalog.sql("SELECT count(*) AS n FROM expression_shards").column("n")[0].as_py()
    in_view = catalog.sql("SELECT count(DISTINCT filename) AS n FROM expression").column("n")[0].as_py()
    assert n_shards == in_view > 0
    rows = catalog.sql(
        "SELECT e.sample_accession, len(e.values) AS n, s.unit FROM expression e "
        "JOIN expression_samples s ON s.sample_accession = e.sample_accession "
        "AND e.filename LIKE '%' || s.shard_path ORDER BY 1"
    ).to_pylist()
    assert len(rows) == catalog.sql("SELECT count(*) AS n FROM expression_samples").column("n")[0].as_py()
    assert all(r["n"] > 0 for r in rows)


def test_the_sandbox_opens_the_store_and_nothing_else(run: Run) -> None:
    outside = [
        f"{run.location}/cache/x.parquet",  # beside the store, same bucket
        f"{run.store}-sibling/expression/x.parquet",  # a prefix that merely starts like the store's
        f"{run.store}/../cache/x.parquet",
        "/etc/passwd",
    ]
    for path in outside:
        with pytest.raises(ConfigError, match=r"disabled by configuration|Permission"):
            run.catalog.sql(f"SELECT * FROM read_parquet('{path}')")
    with pytest.raises(ConfigError, match=r"disabled by configuration|Permission"):
        run.catalog.sql("SELECT * FROM read_csv('/etc/passwd')")


def test_an_export_from_the_store_equals_the_local_one(run: Run, local_run: Run, tmp_path: Path) -> None:
    mine = api.export(
        tmp_path / "out", catalog=run.folder / "catalog.duckdb", organism="Homo sapiens", allow_mixed=True
    )
    theirs = api.export(
        tmp_path / "ref", catalog=local_run.folder / "catalog.duckdb", organism="Homo sapiens", allow_mixed=True
    )
    assert mine.n_samples == theirs.n_samples > 0
    files = json.loads((tmp_path / "out" / "manifest.json").read_text())["files"]
    reference = json.loads((tmp_path / "ref" / "manifest.json").read_text())["files"]
    assert {f["path"]: f["sha256"] for f in files} == {f["path"]: f["sha256"] for f in reference}
