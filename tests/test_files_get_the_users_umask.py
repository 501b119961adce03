"""Files rnacorpus writes get the user's umask (0666 & ~umask), not tempfile's private 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.fileio import atomic_write
from rnacorpus.outfolder import FolderKind, build_folder


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_atomic_write_follows_the_umask(tmp_path: Path, umask_022: None) -> None:
    with atomic_write(tmp_path / "a.txt") as handle:
        handle.write(b"x")
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    os.umask(0o077)
    with atomic_write(tmp_path / "b.txt") as handle:
        handle.write(b"x")
    assert stat.S_IMODE((tmp_path / "b.txt").stat().st_mode) == 0o600


def test_a_built_folder_follows_the_umask(tmp_path: Path, umask_022: None) -> None:
    kind = FolderKind(listing="list.json", format_prefix="t/", what="test folder", overwrite_flag=None)
    with build_folder(tmp_path / "out", kind, overwrite=False) as work, atomic_write(work / "f") as handle:
        handle.write(b"x")
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "out" / "f").stat().st_mode) == 0o644


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_write(tmp_path / "c.txt") as handle:
        handle.write(b"partial")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []
