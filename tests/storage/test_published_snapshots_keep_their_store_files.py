"""A published snapshot keeps reading its store files after later runs replace the studies it holds.

A snapshot copies the catalog, not the store. Without pins, the next run that re-loads a changed
study deletes the shards it replaced (and a sweep deletes whatever no live row points at), and a
reader of the older snapshot finds files missing. Publishing pins them; ``--keep N`` prunes older
snapshots and frees the files only they read. The store is a local folder and a local S3 bucket.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rnacorpus import api
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.load import sweep_orphans
from rnacorpus.catalog.pins import pinned_paths
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.cli import _register, app
from rnacorpus.demo.files import write_demo_archive
from rnacorpus.errors import TransientError
from rnacorpus.fileio import sha256_file
from rnacorpus.mirror import MirrorServer
from rnacorpus.storage import remote_tree
from tests.conftest import mirror_config
from tests.reliability.snapshot import seeded_folder

STUDY = "GSE990103"


@pytest.fixture(scope="module")
def changed_mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    """The same demo series with other values: a harvest from it replaces every study's shards."""
    folder = tmp_path_factory.mktemp("demo-archive-changed")
    write_demo_archive(folder, seed=8)
    with MirrorServer(folder) as server:
        yield server


def read(destination: Path | str, relpath: str) -> bytes:
    return (
        remote_tree(destination).read_bytes(relpath)
        if isinstance(destination, str)
        else (destination / relpath).read_bytes()
    )


def published_paths(destination: Path | str, run_id: str) -> dict[str, str]:
    raw = read(destination, f"{run_id}/store-manifest.json")
    return {f["path"]: f["sha256"] for f in json.loads(raw)["files"]}


def snapshot_exists(destination: Path | str, run_id: str) -> bool:
    if isinstance(destination, str):
        return remote_tree(destination).exists(f"{run_id}/store-manifest.json")
    return (destination / run_id / "store-manifest.json").exists()


def present_with(store: ExpressionStore, files: dict[str, str]) -> dict[str, bool]:
    """Each file → whether the store holds it with the sha256 the snapshot recorded."""
    result = {}
    for path, sha in files.items():
        if not store.exists(path):
            result[path] = False
        elif store.tree is not None:
            result[path] = store.tree.checksum(path)[0] == sha
        else:
            result[path] = sha256_file(store.resolve(path)) == sha
    return result


def test_an_older_snapshot_keeps_its_shards_until_it_is_pruned(
    demo_mirror: MirrorServer,
    changed_mirror: MirrorServer,
    location: Path | str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = seeded_folder(tmp_path_factory, "pinned")
    destination: Path | str = location + "-published" if isinstance(location, str) else location.parent / "published"
    first_config = mirror_config(folder, demo_mirror.url, store_dir=location)
    assert api.harvest([STUDY], config=first_config).exit_code == 0
    first = api.publish(destination, catalog=first_config.catalog_path)
    old_files = published_paths(destination, first.run_id)
    store = ExpressionStore(first.store)

    # a fresh raw cache: the archive now serves other bytes under the same URLs
    second_config = mirror_config(folder, changed_mirror.url, store_dir=location, cache_dir=folder / "cache2")
    assert api.harvest([STUDY], config=second_config).counts["updated"] == 1
    with writer(second_config.catalog_path) as con:
        shards_now = {str(r[0]) for r in con.execute("SELECT path FROM expression_shards").fetchall()}
        sweep_orphans(con, store)  # what a run after an interrupted one does: pinned files survive it too
    replaced = {p for p in old_files if p.startswith("expression/")} - shards_now
    assert replaced, "the changed mirror should have replaced the study's shards"
    assert all(present_with(store, old_files).values())  # the older snapshot still reads every file

    note = f"{first.run_id}/reader-notes.txt"  # a user's file inside the older snapshot's folder
    if isinstance(destination, str):
        remote_tree(destination).write_bytes(note, b"mine")
    else:
        (destination / note).write_bytes(b"mine")
    second = api.publish(destination, catalog=second_config.catalog_path, keep=1)
    assert second.pruned == [first.run_id]
    kept = (
        remote_tree(destination).read_bytes(note) if isinstance(destination, str) else (destination / note).read_bytes()
    )
    assert kept == b"mine"  # pruning deletes only the two files publish wrote
    assert second.freed_files is not None and second.freed_files >= len(replaced)
    assert not snapshot_exists(destination, first.run_id) and snapshot_exists(destination, second.run_id)
    assert not any(store.exists(p) for p in replaced)  # freed: only the pruned snapshot read them
    assert all(present_with(store, published_paths(destination, second.run_id)).values())
    assert pinned_paths(store) == set(published_paths(destination, second.run_id))


def test_publish_refuses_a_store_that_lost_a_file_and_leaves_no_pin(
    demo_mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    folder = seeded_folder(tmp_path_factory, "lost-file")
    config = mirror_config(folder, demo_mirror.url)
    assert api.harvest([STUDY], config=config).exit_code == 0
    store = ExpressionStore(config.store_dir)
    with writer(config.catalog_path) as con:
        shard = str(con.execute("SELECT path FROM expression_shards ORDER BY path LIMIT 1").fetchall()[0][0])
    store.delete(shard)
    with pytest.raises(TransientError, match="missing from the store") as raised:
        api.publish(tmp_path / "out", catalog=config.catalog_path)
    assert shard in str(raised.value)
    assert not (tmp_path / "out" / "LATEST.json").exists()
    assert pinned_paths(store) == frozenset()


def test_keep_must_leave_at_least_the_new_snapshot(demo_mirror: MirrorServer, tmp_path: Path) -> None:
    _register()
    result = CliRunner().invoke(app, ["publish", "--to", str(tmp_path / "pub"), "--keep", "0"])
    assert result.exit_code == 2 and "--keep" in result.output
