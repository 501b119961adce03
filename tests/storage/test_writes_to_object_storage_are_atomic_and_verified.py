"""Atomic writes where the store has no rename: temporary key, verified, then the final key.

Run against a local folder and the local S3 endpoint alike (where the behaviour is the same), plus
what only an object store needs: an upload whose bytes do not arrive whole never reaches its name, and
sweeps remove only keys rnacorpus wrote (a user's object beside them survives).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.catalog.package import PACKAGES_DIR, sweep_packages
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.errors import BadContentError, UnsafePathError
from rnacorpus.storage import RemoteTree, parse_location, remote_tree
from tests.s3 import S3Endpoint

SHARD = "expression/archive=geo/study=GSE1/GSE1_GPL1_series_matrix_feature_0123456789abcdef.parquet"


def files(store: ExpressionStore) -> set[str]:
    if store.tree is not None:
        return set(store.tree.list_files())
    return {p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file()}


def test_a_write_that_fails_leaves_nothing_under_its_name(location: Path | str) -> None:
    store = ExpressionStore(location)
    with pytest.raises(RuntimeError), store.atomic_write(SHARD) as handle:
        handle.write(b"half a shard")
        raise RuntimeError("the worker died here")
    assert not store.exists(SHARD)
    assert files(store) == set()  # no temp file, no temp key


def test_a_finished_write_is_whole_and_its_checksum_needs_no_second_read(location: Path | str) -> None:
    store = ExpressionStore(location)
    with store.atomic_write(SHARD) as handle:
        handle.write(b"x" * 1000)
    sha, size = store.checksum(SHARD)
    assert size == 1000 and sha == __import__("hashlib").sha256(b"x" * 1000).hexdigest()
    assert files(store) == {SHARD}
    with store.local_copy(SHARD, sha) as local:
        assert local.read_bytes() == b"x" * 1000
    with pytest.raises(BadContentError, match="checksum mismatch"), store.local_copy(SHARD, "0" * 64):
        pass


def test_sweeps_remove_only_what_rnacorpus_wrote(location: Path | str) -> None:
    store = ExpressionStore(location)
    # a dead write's temp file, and one in the 8-hex shape older releases gave the reference tables
    ours = [
        SHARD,
        "expression/archive=geo/study=GSE1/.orphan.parquet.0123abcd4567.part",
        "references/genes/.human.0123abcd.part",
    ]
    for rel in ours:
        with store.atomic_write(rel) as handle:
            handle.write(b"ours")
    user = [
        "expression/archive=geo/study=GSE1/notes.txt",
        "README.md",
        # a user's own .part files in the store's folders are not temp files rnacorpus named
        "expression/archive=geo/study=GSE1/draft.part",
        "expression/archive=geo/study=GSE1/.notes.part",
        "references/genes/.draft.v2.part",
    ]
    package = f"{PACKAGES_DIR}/GSE1-0123456789abcdef"
    for rel in [*user, f"{package}/manifest.json", f"{package}/samples.parquet", f"{PACKAGES_DIR}/mine/x.parquet"]:
        with store.atomic_write(rel) as handle:
            handle.write(b"{}")
    assert store.sweep(referenced=set()) == sorted(ours)
    assert sweep_packages(store) == ["GSE1-0123456789abcdef"]
    assert files(store) == {*user, f"{PACKAGES_DIR}/mine/x.parquet"}


def test_paths_never_leave_the_store(location: Path | str) -> None:
    store = ExpressionStore(location)
    for rel in ("../outside.parquet", "/etc/passwd", "expression/../../x"):
        with pytest.raises(UnsafePathError):
            store.atomic_write(rel).__enter__()


def test_an_upload_that_arrives_short_never_reaches_its_name(s3: S3Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = remote_tree(s3.new_bucket() + "/store")
    fs = tree.fs
    real_put = fs.put_file

    def lossy_put(local: str, key: str, **kwargs: object) -> None:
        Path(local).write_bytes(Path(local).read_bytes()[:-10])  # the network lost the tail
        real_put(local, key, **kwargs)

    monkeypatch.setattr(fs, "put_file", lossy_put)
    with pytest.raises(BadContentError, match="uploaded"), tree.atomic_write("a/b.parquet") as handle:
        handle.write(b"y" * 100)
    assert tree.list_files() == {}  # neither the final key nor the temporary one


def test_stale_temporary_keys_are_removed_fresh_ones_kept(s3: S3Endpoint) -> None:
    tree = remote_tree(s3.new_bucket() + "/cache")
    tree.write_bytes("geo/.x.soft.gz.0123456789ab.part", b"half")
    tree.write_bytes("geo/.x.soft.gz.meta.json.0123456789ab.part", b"half")
    tree.write_bytes("geo/.other.gz.0123456789ab.part", b"not this file's")
    assert tree.remove_stale_temps("geo/x.soft.gz", max_age=3600) == 0  # a live writer's, maybe
    assert tree.remove_stale_temps("geo/x.soft.gz", max_age=-1) == 1
    assert set(tree.list_files()) == {"geo/.x.soft.gz.meta.json.0123456789ab.part", "geo/.other.gz.0123456789ab.part"}


def test_locations_parse_as_users_write_them(tmp_path: Path) -> None:
    assert parse_location(str(tmp_path)) == tmp_path
    assert parse_location(f"file://{tmp_path}") == tmp_path
    assert parse_location("s3://bucket/prefix/") == "s3://bucket/prefix"
    assert parse_location("S3://bucket") == "s3://bucket"
    tree = RemoteTree("s3://bucket/prefix")
    assert tree.url_of("a/b.parquet") == "s3://bucket/prefix/a/b.parquet"
    with pytest.raises(UnsafePathError):
        tree.key("a/../../b")
    import pickle

    assert pickle.loads(pickle.dumps(tree)).url == "s3://bucket/prefix"  # a URL crosses, never a client
