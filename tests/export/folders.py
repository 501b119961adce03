"""Snapshots of a folder's every byte, to show that a refused command touched nothing."""

from __future__ import annotations

import os
from pathlib import Path


def snapshot(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """``relative path → (bytes or None for a folder, mode)`` for everything under ``root``, and the
    names beside it (a refused command must not leave a temporary sibling either)."""
    found: dict[str, tuple[bytes | None, int]] = {}
    for path in sorted(root.parent.rglob("*")):
        rel = path.relative_to(root.parent).as_posix()
        st = path.lstat()
        found[rel] = (path.read_bytes() if path.is_file() and not path.is_symlink() else None, st.st_mode)
    found["."] = (None, os.lstat(root.parent).st_mode)
    return found
