"""Cleaning an expression store: the files loads wrote that no catalog row refers to (left by a crash or a
replaced load), and the temp files of atomic writes a dead build process left. Only names rnacorpus
writes are touched, so a user's file in a store folder survives. Split from :mod:`.store` when that
passed 400 lines; :class:`.store.ExpressionStore` keeps the calls (``sweep``, ``remove_temp_files``).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path, PurePosixPath

from rnacorpus.fileio import is_private_temp_name
from rnacorpus.storage import RemoteTree

__all__ = ["remove_temp_files", "sweep"]

log = logging.getLogger("rnacorpus.catalog.store")  # the store's messages, wherever the code lives

#: folders whose files loads write (shards, platform probe tables, reference tables); everything else is left alone
SWEPT_FOLDERS = ("expression", "platforms", "references")
#: folders a study's build writes into (reference tables are written by the driver, at a run's start)
BUILD_FOLDERS = ("expression", "platforms")


def sweep(root: Path, tree: RemoteTree | None, referenced: set[str]) -> list[str]:
    """Delete the files loads wrote under the store (local ``root``, or ``tree`` when remote) that no
    catalog row refers to; their store paths.

    ``referenced`` must hold every store path the catalog points at — shards *and* platform
    tables; :func:`rnacorpus.catalog.load.sweep_orphans` computes it from the catalog.
    """
    if tree is not None:
        return _sweep_remote(tree, referenced)
    removed = []
    for folder in SWEPT_FOLDERS:
        base = root / folder
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(root).as_posix()
            if rel in referenced:
                continue
            if path.suffix == ".parquet" or _is_our_temp(path.name):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(rel)
    if removed:
        log.info("removed %d unreferenced store file(s)", len(removed))
    return removed


def remove_temp_files(root: Path, tree: RemoteTree | None) -> list[str]:
    """Delete the atomic writes' temp files a dead build process left in a local store's build
    folders: only names of :func:`~rnacorpus.fileio.private_temp_name`'s shape, so a user's file
    there survives. Call it only when no build can be writing (the pool has ended, the run holds
    the catalog's lock). A remote store keeps its temp keys until the next interrupted run's
    :func:`sweep`."""
    if tree is not None:
        return []
    removed = []
    for folder in BUILD_FOLDERS:
        for path in sorted((root / folder).rglob(".*.part")):
            if path.is_file() and is_private_temp_name(path.name, ".part"):
                path.unlink(missing_ok=True)
                removed.append(path.relative_to(root).as_posix())
    return removed


def _sweep_remote(tree: RemoteTree, referenced: set[str]) -> list[str]:
    removed = []
    for folder in SWEPT_FOLDERS:
        for rel in sorted(tree.list_files(folder)):
            name = PurePosixPath(rel).name
            ours = name.endswith(".parquet") or _is_our_temp(name)
            if rel not in referenced and ours and tree.delete(rel):
                removed.append(rel)
    if removed:
        log.info("removed %d unreferenced store file(s) from %s", len(removed), tree.url)
    return removed


def _is_our_temp(name: str) -> bool:
    """A temp file or key one of rnacorpus's atomic writes named (and may have left behind when its
    process died): only those are swept, so a user's ``draft.part`` or ``.notes.part`` in a store
    folder survives. 8 hex digits: the reference tables' temp names before session 27."""
    return is_private_temp_name(name, ".part", token_lengths=(8, 12))
