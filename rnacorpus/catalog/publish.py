"""Publishing the catalog for readers elsewhere: a versioned snapshot, copied atomically.

The DuckDB file stays the catalog of record, written by one process (the driver of each run). Readers
on other machines read a *published snapshot* instead of the live file (``rnacorpus publish --to URL``,
a folder or an fsspec URL)::

    <URL>/<run id>/catalog.duckdb         a consistent copy of the catalog as that run left it
    <URL>/<run id>/store-manifest.json    where the store is, and every store file the copy references
                                          (path, sha256, bytes), the copy's own sha256, the versions
    <URL>/LATEST.json                     the newest snapshot: run id, paths and checksums (written last)

The copy is made with DuckDB's ``COPY FROM DATABASE`` from a read-only attach of the catalog, so it is
consistent (a run commits in short transactions; a copy waits for the one in flight) and includes what
a write-ahead log holds. Each file is written atomically (local: temp + fsync + rename; object store:
temporary key, verified, copied), and ``LATEST.json`` only after both files of its snapshot: a reader
that follows it never sees half a snapshot. Publishing the same run again replaces that snapshot.

A snapshot's store files stay where the store keeps them (they are not copied). So that a later run
that replaces a study cannot delete files an older snapshot reads, publishing first *pins* them in the
store (:mod:`rnacorpus.catalog.pins`): the copy is taken, the files it references are pinned, and the
pinned files are checked to still be there (a run that replaced a study between the copy and the pin
makes publish copy again). ``keep`` prunes a destination to its newest snapshots and drops their pins;
the files only they held are removed by the next sweep under the run lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from rnacorpus import __version__
from rnacorpus.catalog.connection import connect_reader, with_lock_retry
from rnacorpus.catalog.pins import (
    drop_pin,
    mark_released,
    missing_files,
    pinned_runs,
    write_pin,
)
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.errors import ConfigError, TransientError
from rnacorpus.fileio import atomic_write, sha256_bytes, sha256_file
from rnacorpus.storage import Location, location_text, parse_location, remote_tree

__all__ = ["LATEST", "MANIFEST", "Published", "publish"]

log = logging.getLogger(__name__)

LATEST = "LATEST.json"
MANIFEST = "store-manifest.json"
CATALOG = "catalog.duckdb"
PUBLISH_FORMAT = 1
#: copies taken before giving up when runs keep replacing studies between the copy and the pin
_SNAPSHOT_ATTEMPTS = 3


@dataclass(frozen=True)
class Published:
    """What ``publish`` wrote."""

    run_id: str
    to: str
    catalog: str
    manifest: str
    catalog_sha256: str
    catalog_bytes: int
    store: str
    n_store_files: int
    #: run ids whose snapshots (and pins) ``keep`` removed from this destination
    pruned: list[str] = field(default_factory=list)
    #: store files the dropped pins alone held, deleted by a sweep (None: a run held the lock; its
    #: start sweeps them)
    freed_files: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def publish(catalog_path: Path, to: Location | str, *, keep: int | None = None) -> Published:
    """Copy the catalog and a store manifest to ``to``/<run id>/, then point ``to``/LATEST.json at them.

    With ``keep``, snapshots at ``to`` beyond the newest ``keep`` are removed and their pins dropped
    (the store files only they held are then orphans for the next sweep under the run lock).
    """
    if keep is not None and keep < 1:
        raise ConfigError(f"--keep must be at least 1 (the snapshot just published), not {keep}")
    destination = parse_location(to)
    where = location_text(destination)
    with tempfile.TemporaryDirectory(prefix="rnacorpus-publish-") as folder:
        snapshot = Path(folder) / CATALOG
        facts, store = _pinned_snapshot(catalog_path, snapshot, where)
        run_id = facts["run_id"]
        digest, size = sha256_file(snapshot), snapshot.stat().st_size
        manifest = {
            "format": PUBLISH_FORMAT,
            "run_id": run_id,
            "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            "rnacorpus_version": __version__,
            "catalog": {"path": f"{run_id}/{CATALOG}", "sha256": digest, "bytes": size},
            "store": facts["store"],
            "versions": facts["versions"],
            "files": facts["files"],
        }
        manifest_bytes = _json(manifest)
        (Path(folder) / MANIFEST).write_bytes(manifest_bytes)
        _put(destination, f"{run_id}/{CATALOG}", snapshot)
        _put(destination, f"{run_id}/{MANIFEST}", Path(folder) / MANIFEST)
        latest = {
            "format": PUBLISH_FORMAT,
            "run_id": run_id,
            "catalog": manifest["catalog"],
            "manifest": {
                "path": f"{run_id}/{MANIFEST}",
                "sha256": sha256_bytes(manifest_bytes),
                "bytes": len(manifest_bytes),
            },
        }
        (Path(folder) / LATEST).write_bytes(_json(latest))
        _put(destination, LATEST, Path(folder) / LATEST)  # last: readers following it see a whole snapshot
    log.info("published run %s of %s to %s", run_id, catalog_path, where)
    pruned = _prune(destination, where, keep, store, run_id) if keep is not None else []
    return Published(
        run_id=run_id,
        to=where,
        catalog=f"{where}/{run_id}/{CATALOG}",
        manifest=f"{where}/{run_id}/{MANIFEST}",
        catalog_sha256=digest,
        catalog_bytes=size,
        store=facts["store"],
        n_store_files=len(facts["files"]),
        pruned=pruned,
    )


def _pinned_snapshot(catalog_path: Path, snapshot: Path, where: str) -> tuple[dict[str, Any], ExpressionStore]:
    """A copy of the catalog whose store files are pinned and all present.

    The facts are read from the copy itself, so the manifest lists exactly what the copy references.
    A run committing between the copy and the pin may already have deleted a shard it replaced; then
    the pin is dropped and the copy taken again.
    """
    missing: list[str] = []
    for _ in range(_SNAPSHOT_ATTEMPTS):
        snapshot.unlink(missing_ok=True)
        _snapshot(catalog_path, snapshot)
        facts = _read_facts(snapshot)
        if not facts["store"]:
            raise ConfigError("the catalog records no store (store_dir); run `rnacorpus harvest` with this version")
        store = ExpressionStore(facts["store"])
        paths = [f["path"] for f in facts["files"]]
        write_pin(store, where, facts["run_id"], paths)
        missing = missing_files(store, paths)
        if not missing:
            return facts, store
        drop_pin(store, where, facts["run_id"])
        log.info("%d store file(s) went missing while publishing (a run replaced studies); copying again", len(missing))
    raise TransientError(
        f"{len(missing)} store file(s) the catalog references are missing from the store "
        f"(e.g. {missing[0]}) after {_SNAPSHOT_ATTEMPTS} copies: a run kept replacing studies, or the "
        "store lost files (`rnacorpus harvest` re-loads a study whose shard is gone); nothing was published",
        path=catalog_path,
    )


def _prune(destination: Location, where: str, keep: int, store: ExpressionStore, current: str) -> list[str]:
    """Remove snapshots at ``destination`` beyond the newest ``keep`` (never ``current``) and drop their pins."""
    found = _snapshots(destination)
    newest_first = sorted(found, key=lambda run: (found[run], run), reverse=True)
    kept = set(newest_first[:keep]) | {current}
    pruned = [run for run in newest_first if run not in kept]
    for run in pruned:
        _remove_snapshot(destination, run)
    # pins of this destination whose snapshot is gone (removed above, or by hand): nothing reads them
    dropped = [run for run in pinned_runs(store, where) if run not in kept and drop_pin(store, where, run)]
    if dropped:
        mark_released(store)
        log.info("dropped %d pin(s) for %s: %s", len(dropped), where, ", ".join(dropped))
    return pruned


def _snapshots(destination: Location) -> dict[str, str]:
    """Run id → published_at of every snapshot at ``destination`` (folders holding our manifest)."""
    found: dict[str, str] = {}
    if isinstance(destination, str):
        tree = remote_tree(destination)
        names = [rel for rel in tree.list_files() if rel.count("/") == 1 and rel.endswith(f"/{MANIFEST}")]
        raw = {rel.split("/")[0]: tree.read_bytes(rel) for rel in names}
    else:
        raw = {
            folder.name: (folder / MANIFEST).read_bytes()
            for folder in (destination.iterdir() if destination.is_dir() else [])
            if (folder / MANIFEST).is_file()
        }
    for run, data in raw.items():
        try:
            body = json.loads(data)
        except ValueError:
            continue  # not a manifest we wrote: leave the folder alone
        if isinstance(body, dict) and body.get("run_id") == run and body.get("format") == PUBLISH_FORMAT:
            found[run] = str(body.get("published_at", ""))
    return found


def _remove_snapshot(destination: Location, run: str) -> None:
    """Delete the two files publish wrote for ``run`` (a user's file beside them stays, and the folder with it)."""
    if isinstance(destination, str):
        tree = remote_tree(destination)
        tree.delete(f"{run}/{CATALOG}")
        tree.delete(f"{run}/{MANIFEST}")
        return
    folder = destination / run
    (folder / CATALOG).unlink(missing_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # last: while it exists the folder is still a snapshot
    with contextlib.suppress(OSError):
        folder.rmdir()


def _read_facts(catalog_path: Path) -> dict[str, Any]:
    """The latest finished run, the recorded store and versions, and every store file referenced."""
    con = connect_reader(catalog_path, sandbox=False)
    try:
        runs = con.execute(
            "SELECT run_id FROM runs WHERE finished IS NOT NULL ORDER BY finished DESC, run_id DESC LIMIT 1"
        ).fetchall()
        if not runs:
            raise ConfigError("the catalog has no finished run to publish (run `rnacorpus harvest` first)")
        versions = dict(con.execute("SELECT key, value FROM catalog_versions ORDER BY key").fetchall())
        rows = con.execute(
            "SELECT path, sha256, bytes FROM expression_shards UNION ALL "
            "SELECT annotation_path, annotation_sha256, NULL FROM platforms WHERE annotation_path IS NOT NULL "
            "UNION ALL SELECT path, sha256, NULL FROM reference_files "  # the reference views read these
            "ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    files = [{"path": str(p), "sha256": str(s), "bytes": None if b is None else int(b)} for p, s, b in rows]
    return {"run_id": str(runs[0][0]), "versions": versions, "store": versions.get("store_dir", ""), "files": files}


def _snapshot(catalog_path: Path, target: Path) -> None:
    """A consistent copy of the catalog (what a reader would see now), waiting out a writer's commit."""

    def attach() -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        try:
            con.execute(f"ATTACH '{_literal(catalog_path)}' AS source (READ_ONLY)")
        except BaseException:
            con.close()
            raise
        return con

    con = with_lock_retry(attach, catalog_path, 60.0)
    try:
        con.execute(f"ATTACH '{_literal(target)}' AS snapshot")
        con.execute("COPY FROM DATABASE source TO snapshot")
        con.execute("DETACH snapshot")
    finally:
        con.close()


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")  # ATTACH takes no bound parameters; the paths are ours


def _put(destination: Location, relpath: str, local: Path) -> None:
    if isinstance(destination, str):
        remote_tree(destination).upload(local, relpath)
        return
    with atomic_write(destination / relpath) as handle, local.open("rb") as source:
        shutil.copyfileobj(source, handle, 1 << 20)


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=1, sort_keys=True) + "\n").encode()
