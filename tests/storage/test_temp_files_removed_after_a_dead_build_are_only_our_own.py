"""When a build process dies, the driver removes the temp files its atomic writes left in the store's
build folders — only names of the shape :func:`rnacorpus.fileio.private_temp_name` gives, which
nobody else writes. A user's file beside them survives, however it is named, and so does every
finished file and anything outside the build folders."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.fileio import is_private_temp_name, private_temp_name


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_only_the_atomic_writes_temp_files_in_the_build_folders_are_removed(tmp_path: Path) -> None:
    study = tmp_path / "expression" / "archive=geo" / "study=GSE1"
    ours = [
        _touch(private_temp_name(study / "feature-abc.parquet", ".part")),
        _touch(private_temp_name(tmp_path / "platforms" / "GPL570.parquet", ".part")),
    ]
    kept = [
        _touch(study / "feature-abc.parquet"),  # a finished shard
        _touch(study / ".notes.part"),  # a user's hidden file, no random token
        _touch(study / "mine.part"),  # not hidden
        _touch(study / ".feature-abc.parquet.abcdef.part"),  # token too short
        _touch(study / ".feature-abc.parquet.ABCDEF123456.part"),  # not our hex
        _touch(study / ".feature-abc.parquet.0123456789ab.tmp"),  # another suffix
        _touch(private_temp_name(tmp_path / "references" / "genes.parquet", ".part")),  # not a build folder
        _touch(private_temp_name(tmp_path / "elsewhere" / "x.parquet", ".part")),
    ]
    removed = ExpressionStore(tmp_path).remove_temp_files()
    assert sorted(removed) == sorted(p.relative_to(tmp_path).as_posix() for p in ours)
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in kept)


def test_a_store_without_build_folders_removes_nothing(tmp_path: Path) -> None:
    assert ExpressionStore(tmp_path / "new-store").remove_temp_files() == []


@given(st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=40))
def test_every_private_temp_name_is_known_as_one(name: str) -> None:
    for suffix in (".part", ".tmp"):
        assert is_private_temp_name(private_temp_name(Path("/store") / name, suffix).name, suffix)
    assert not is_private_temp_name(name, ".part") or name.startswith(".")
