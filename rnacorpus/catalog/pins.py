"""Pins: store files a published snapshot reads, kept when later runs replace what points at them.

A published snapshot (:mod:`rnacorpus.catalog.publish`) copies the catalog but not the store: its
``expression`` view reads the shards where the store keeps them. A later run that replaces a study
deletes the shards the new rows no longer point at, and a run-start sweep deletes every file no
catalog row points at — either would pull files out from under a reader of an older snapshot. So
publishing writes a *pin* into the store before it makes the snapshot visible::

    <store>/pins/<destination key>/<run id>.json    {"destination", "run_id", "written", "files": [...]}

and every place that deletes a store file because the live catalog stopped pointing at it (replaced
shards and probe tables, replaced reference files, the sweep) keeps pinned files. A pin is dropped
only when its snapshot is pruned (``rnacorpus publish --keep N``); the files it alone held become
orphans that the next sweep under the run lock removes. ``pins/RELEASED`` marks that such a sweep is
due (a run start sweeps when it sees it).

Pins live in the store, not the catalog, because the store is what loses files and what a reader
elsewhere shares; several catalogs' snapshots of one store each pin their own files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from rnacorpus.fileio import atomic_write

if TYPE_CHECKING:
    from rnacorpus.catalog.store import ExpressionStore

__all__ = [
    "PINS_DIR",
    "clear_released",
    "drop_pin",
    "mark_released",
    "missing_files",
    "pinned_paths",
    "pinned_runs",
    "release_due",
    "write_pin",
]

log = logging.getLogger(__name__)

PINS_DIR = "pins"
RELEASED = f"{PINS_DIR}/RELEASED"
#: (store text, listing signature) → pinned paths; a listing that did not change is not read again
_CACHE: dict[str, tuple[tuple[tuple[str, Any], ...], frozenset[str]]] = {}


def destination_key(destination: str) -> str:
    """A folder name for one publish destination (its text, hashed: URLs hold characters paths cannot)."""
    return hashlib.sha256(destination.encode()).hexdigest()[:16]


def _pin_relpath(destination: str, run_id: str) -> str:
    if not run_id or "/" in run_id or run_id.startswith("."):
        raise ValueError(f"not a run id: {run_id!r}")
    return f"{PINS_DIR}/{destination_key(destination)}/{run_id}.json"


def write_pin(store: ExpressionStore, destination: str, run_id: str, files: Iterable[str]) -> str:
    """Pin ``files`` for the snapshot of ``run_id`` at ``destination`` (atomic; replaces that pin)."""
    relpath = _pin_relpath(destination, run_id)
    body = {
        "destination": destination,
        "run_id": run_id,
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": sorted(set(files)),
    }
    _write(store, relpath, (json.dumps(body, indent=0, sort_keys=True) + "\n").encode())
    return relpath


def _write(store: ExpressionStore, relpath: str, data: bytes) -> None:
    """One small file, whole or absent: one PUT on object storage, temp + fsync + rename locally."""
    if store.tree is not None:
        store.tree.write_bytes(relpath, data)
        return
    with atomic_write(store.resolve(relpath)) as handle:
        handle.write(data)


def drop_pin(store: ExpressionStore, destination: str, run_id: str) -> bool:
    """Remove one pin; True when it was there."""
    relpath = _pin_relpath(destination, run_id)
    if store.tree is not None:
        return store.tree.delete(relpath)
    try:
        store.resolve(relpath).unlink()
    except FileNotFoundError:
        return False
    return True


def pinned_runs(store: ExpressionStore, destination: str) -> list[str]:
    """The run ids pinned for ``destination``."""
    folder = f"{PINS_DIR}/{destination_key(destination)}"
    return sorted(PurePosixPath(rel).stem for rel in _pin_files(store) if rel.startswith(folder + "/"))


def pinned_paths(store: ExpressionStore) -> frozenset[str]:
    """Every store path some pin holds (read again only when the pins' listing changed)."""
    listing = _pin_files(store)
    if not listing:
        return frozenset()
    signature = tuple(sorted(listing.items()))
    cached = _CACHE.get(store.text)
    if cached is not None and cached[0] == signature:
        return cached[1]
    paths: set[str] = set()
    for rel in listing:
        try:
            raw = store.tree.read_bytes(rel) if store.tree is not None else store.resolve(rel).read_bytes()
        except FileNotFoundError:
            continue  # dropped while we listed
        try:
            paths.update(str(p) for p in json.loads(raw)["files"])
        except (ValueError, KeyError, TypeError) as exc:
            # a pin we cannot read protects nothing we can name; say so loudly rather than guess
            log.warning("unreadable pin %s in %s (%s): its files are not protected", rel, store.text, exc)
    result = frozenset(paths)
    _CACHE[store.text] = (signature, result)
    return result


def _pin_files(store: ExpressionStore) -> dict[str, Any]:
    """Pin files → a change signature (size and mtime), without reading them."""
    if store.tree is not None:
        found = store.tree.list_files(PINS_DIR)
        return {
            rel: (info.get("size"), str(info.get("LastModified", info.get("mtime", ""))))
            for rel, info in found.items()
            if rel.endswith(".json")
        }
    base = store.root / PINS_DIR
    result: dict[str, Any] = {}
    if not base.is_dir():
        return result
    for folder in os.scandir(base):
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder.path):
            if entry.name.endswith(".json") and entry.is_file():
                stat = entry.stat()
                result[f"{PINS_DIR}/{folder.name}/{entry.name}"] = (stat.st_size, stat.st_mtime_ns)
    return result


def missing_files(store: ExpressionStore, paths: Iterable[str]) -> list[str]:
    """Which of ``paths`` the store does not hold (one listing per top folder on object storage)."""
    wanted = sorted(set(paths))
    if store.tree is None:
        return [p for p in wanted if not store.resolve(p).is_file()]
    held: set[str] = set()
    for top in sorted({p.split("/", 1)[0] for p in wanted}):
        held.update(store.tree.list_files(top))
    return [p for p in wanted if p not in held]


def mark_released(store: ExpressionStore) -> None:
    """Note that pins were dropped: files they held may now be orphans for the next sweep."""
    _write(store, RELEASED, b"pins were dropped; the next run sweeps orphans\n")


def release_due(store: ExpressionStore) -> bool:
    return store.exists(RELEASED)


def clear_released(store: ExpressionStore) -> None:
    store.delete(RELEASED)  # missing is fine
