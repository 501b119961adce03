"""Load packages: a worker's files for one study, verified and committed by the driver in bulk.

A package is a pure function of the study's inputs (same inputs, same bytes, no run id in it); the
driver refuses one whose files do not match their checksums; committing a batch of packages in one
transaction gives the same catalog as committing them one by one (SuperSeries sharing samples,
a platform several studies carry); only package folders rnacorpus wrote are ever swept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.load import commit_packages, disjoint_batches
from rnacorpus.catalog.package import PACKAGES_DIR, open_package, sweep_packages, write_package
from rnacorpus.catalog.plan import LoadPlan, ShardPlan
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.errors import BadContentError
from rnacorpus.schemas import StudyBundle
from tests.builders import make_bundle
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots, store_snapshot


def plan(bundle: StudyBundle, key: str) -> LoadPlan:
    return LoadPlan(bundle, content_sha256=key, shards=[ShardPlan(matrix=m) for m in bundle.expression])


def studies() -> list[LoadPlan]:
    """A SuperSeries and its two SubSeries (shared samples), a study sharing their platform, a loner."""
    return [
        plan(make_bundle("GSE10", ["GSM1", "GSM2"], tissue="liver"), "a" * 64),
        plan(make_bundle("GSE11", ["GSM3", "GSM4"], tissue="lung", seed=1), "b" * 64),
        plan(make_bundle("GSE9", ["GSM1", "GSM2", "GSM3", "GSM4"], sub_series=["GSE10", "GSE11"], seed=2), "c" * 64),
        plan(make_bundle("GSE12", ["GSM5"], platform="GPL2", seed=3), "d" * 64),
        plan(make_bundle("GSE13", ["GSM6", "GSM7"], seed=4), "e" * 64),
    ]


def commit_all(folder: Path, plans: list[LoadPlan], batch: int) -> Path:
    store = ExpressionStore(folder / "store")
    packages = [open_package(store, write_package(store, p)) for p in plans]
    with writer(folder / "catalog.duckdb") as con:
        for group in disjoint_batches(packages, batch):
            commit_packages(con, store, group, run_id="run")
    sweep_packages(store)
    return folder


def test_a_package_is_a_pure_function_of_its_inputs(tmp_path: Path) -> None:
    bundle = make_bundle("GSE10", ["GSM1", "GSM2"])
    first = write_package(ExpressionStore(tmp_path / "a"), plan(bundle, "f" * 64))
    second = write_package(ExpressionStore(tmp_path / "b"), plan(make_bundle("GSE10", ["GSM1", "GSM2"]), "f" * 64))
    assert first.sha256 == second.sha256 and first.path == second.path == f"{PACKAGES_DIR}/GSE10-{'f' * 16}"
    manifest = json.loads((tmp_path / "a" / first.path / "manifest.json").read_text())
    assert manifest["accession"] == "GSE10" and manifest["sample_accessions"] == ["GSM1", "GSM2"]
    assert "run_id" not in json.dumps(manifest)  # the committing run is recorded by the commit, not here
    tables = {entry["table"]: entry for entry in manifest["tables"]}
    studies = pq.read_table(tmp_path / "a" / first.path / "studies.parquet")
    assert "run_id" not in studies.column_names and "loaded_at" not in studies.column_names
    assert tables["samples"]["rows"] == 2 and tables["sample_characteristics"]["rows"] == 4
    assert tables["sample_characteristics"]["owner_keys"] == ["GSM1", "GSM2"]


def test_a_package_whose_file_changed_is_refused(tmp_path: Path) -> None:
    store = ExpressionStore(tmp_path / "store")
    ref = write_package(store, plan(make_bundle("GSE10", ["GSM1"]), "f" * 64))
    table = store.resolve(ref.path) / "samples.parquet"
    table.write_bytes(table.read_bytes()[:-8] + b"damaged!")
    with pytest.raises(BadContentError, match=r"samples\.parquet fails its checksum"):
        open_package(store, ref)
    with pytest.raises(BadContentError, match="does not match what its worker wrote"):
        open_package(store, ref.__class__(ref.path, "0" * 64, ref.n_samples))


def test_batches_never_hold_two_packages_with_a_shared_sample(tmp_path: Path) -> None:
    store = ExpressionStore(tmp_path / "store")
    packages = [open_package(store, write_package(store, p)) for p in studies()]
    batches = [[p.accession for p in batch] for batch in disjoint_batches(packages, 64)]
    assert batches == [["GSE10", "GSE11"], ["GSE9", "GSE12", "GSE13"]]
    assert [len(b) for b in disjoint_batches(packages, 2)] == [2, 2, 1]


def test_a_batched_commit_equals_committing_one_package_at_a_time(tmp_path: Path) -> None:
    one = commit_all(tmp_path / "one", studies(), batch=1)
    many = commit_all(tmp_path / "many", studies(), batch=64)
    assert diff_snapshots(catalog_snapshot(one / "catalog.duckdb"), catalog_snapshot(many / "catalog.duckdb")) == []
    assert store_snapshot(one / "store").files == store_snapshot(many / "store").files
    with writer(many / "catalog.duckdb") as con:
        owners = dict(con.execute("SELECT accession, study_accession FROM samples").fetchall())
        runs = con.execute("SELECT DISTINCT run_id FROM studies").fetchall()
    assert owners == {"GSM1": "GSE10", "GSM2": "GSE10", "GSM3": "GSE11", "GSM4": "GSE11", "GSM5": "GSE12",
                      "GSM6": "GSE13", "GSM7": "GSE13"}  # fmt: skip
    assert runs == [("run",)]
    assert not (many / "store" / PACKAGES_DIR).exists()


def test_sweeping_packages_leaves_a_users_file_beside_them(tmp_path: Path) -> None:
    store = ExpressionStore(tmp_path / "store")
    ref = write_package(store, plan(make_bundle("GSE10", ["GSM1"]), "f" * 64))
    mine = store.resolve(ref.path) / "notes.txt"
    mine.write_text("mine")
    theirs = tmp_path / "store" / PACKAGES_DIR / "README"
    theirs.write_text("a user's file")
    (tmp_path / "store" / PACKAGES_DIR / ".GSE11-abc.1234abcd.tmp").mkdir()  # a worker died mid-write
    assert sweep_packages(store) == [".GSE11-abc.1234abcd.tmp", "GSE10-ffffffffffffffff"]
    assert mine.read_text() == "mine" and theirs.read_text() == "a user's file"
    assert sorted(p.name for p in store.resolve(ref.path).iterdir()) == ["notes.txt"]
