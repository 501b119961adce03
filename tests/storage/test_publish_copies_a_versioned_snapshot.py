"""``rnacorpus publish --to URL``: the catalog and a store manifest, copied atomically, versioned by run id.

The same tests publish to a local folder and to the local S3 endpoint. A reader elsewhere takes
``LATEST.json``, downloads the snapshot it names, checks it against the checksums, and queries it: the
snapshot holds what the catalog holds and, with the store on S3, its ``expression`` view reads the store.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import writer
from rnacorpus.cli import _register, app
from rnacorpus.errors import ConfigError
from rnacorpus.mirror import MirrorServer
from rnacorpus.storage import remote_tree
from tests.conftest import mirror_config
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots, referenced_files, seeded_folder

DEMO = ["GSE990100", "GSE990103"]


@pytest.fixture(scope="module")
def harvested(demo_mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = seeded_folder(tmp_path_factory, "to-publish")
    assert api.harvest(DEMO, config=mirror_config(folder, demo_mirror.url)).exit_code == 0
    return folder


def read(location: Path | str, relpath: str) -> bytes:
    if isinstance(location, str):
        return remote_tree(location).read_bytes(relpath)
    return (location / relpath).read_bytes()


def test_a_reader_follows_latest_to_a_whole_snapshot(harvested: Path, location: Path | str, tmp_path: Path) -> None:
    catalog = harvested / "catalog.duckdb"
    published = api.publish(location, catalog=catalog)

    latest = json.loads(read(location, "LATEST.json"))
    assert latest["run_id"] == published.run_id and latest["catalog"]["path"] == f"{published.run_id}/catalog.duckdb"
    copy = tmp_path / "reader" / "catalog.duckdb"
    copy.parent.mkdir()
    copy.write_bytes(read(location, latest["catalog"]["path"]))
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == latest["catalog"]["sha256"] == published.catalog_sha256
    manifest_bytes = read(location, latest["manifest"]["path"])
    assert hashlib.sha256(manifest_bytes).hexdigest() == latest["manifest"]["sha256"]
    manifest = json.loads(manifest_bytes)

    assert diff_snapshots(catalog_snapshot(copy, references=False), catalog_snapshot(catalog, references=False)) == []
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == referenced_files(catalog)
    assert manifest["store"] == str((harvested / "store").resolve())
    view = Catalog.open(copy).sql("SELECT count(DISTINCT filename) AS n FROM expression").column("n")[0].as_py()
    assert view == len([f for f in manifest["files"] if f["path"].startswith("expression/")])


def test_a_later_run_publishes_beside_the_earlier_one(
    demo_mirror: MirrorServer, location: Path | str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = seeded_folder(tmp_path_factory, "growing")
    config = mirror_config(folder, demo_mirror.url)
    api.harvest(DEMO[1:], config=config)
    first = api.publish(location, catalog=config.catalog_path)
    assert api.harvest(DEMO[1:], config=config).counts["unchanged"] == 1  # a run that changed nothing
    second = api.publish(location, catalog=config.catalog_path)
    assert first.run_id != second.run_id
    assert json.loads(read(location, "LATEST.json"))["run_id"] == second.run_id
    older = json.loads(read(location, f"{first.run_id}/store-manifest.json"))  # still there, for who reads it
    assert older["run_id"] == first.run_id and older["catalog"]["sha256"] == first.catalog_sha256


#: another process holds the catalog read-write for a moment, as a run does while it commits
HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def test_publishing_waits_for_a_commit_in_flight(harvested: Path, tmp_path: Path) -> None:
    catalog = harvested / "catalog.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(catalog), "1.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        result = api.publish(tmp_path / "snapshots", catalog=catalog)  # retried until the writer let go
        assert time.monotonic() - started > 0.5
    finally:
        holder.wait(timeout=30)
    assert (tmp_path / "snapshots" / result.run_id / "catalog.duckdb").stat().st_size == result.catalog_bytes


def test_a_catalog_without_a_finished_run_is_refused(tmp_path: Path) -> None:
    with writer(tmp_path / "empty.duckdb"):
        pass
    with pytest.raises(ConfigError, match="no finished run"):
        api.publish(tmp_path / "out", catalog=tmp_path / "empty.duckdb")
    assert not (tmp_path / "out").exists()


def test_the_command_prints_where_it_went(harvested: Path, tmp_path: Path) -> None:
    _register()
    result = CliRunner().invoke(
        app, ["publish", "--to", str(tmp_path / "pub"), "--catalog", str(harvested / "catalog.duckdb"), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["catalog"] == f"{(tmp_path / 'pub').resolve()}/{out['run_id']}/catalog.duckdb"
