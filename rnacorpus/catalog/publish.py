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

A snapshot's store files stay where the store keeps them (they are not copied). A later run that
replaces a study deletes the shards it replaced, so an old snapshot can lose files; readers take
``LATEST.json`` and can check every file against ``store-manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from rnacorpus import __version__
from rnacorpus.catalog.connection import connect_reader, with_lock_retry
from rnacorpus.errors import ConfigError
from rnacorpus.fileio import atomic_write, sha256_bytes, sha256_file
from rnacorpus.storage import Location, location_text, parse_location, remote_tree

__all__ = ["LATEST", "MANIFEST", "Published", "publish"]

log = logging.getLogger(__name__)

LATEST = "LATEST.json"
MANIFEST = "store-manifest.json"
CATALOG = "catalog.duckdb"
PUBLISH_FORMAT = 1


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def publish(catalog_path: Path, to: Location | str) -> Published:
    """Copy the catalog and a store manifest to ``to``/<run id>/, then point ``to``/LATEST.json at them."""
    destination = parse_location(to)
    facts = _read_facts(catalog_path)
    run_id = facts["run_id"]
    with tempfile.TemporaryDirectory(prefix="rnacorpus-publish-") as folder:
        snapshot = Path(folder) / CATALOG
        _snapshot(catalog_path, snapshot)
        digest, size = sha256_file(snapshot), snapshot.stat().st_size
        manifest = {
            "format": PUBLISH_FORMAT,
            "run_id": run_id,
            "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
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
    where = location_text(destination)
    log.info("published run %s of %s to %s", run_id, catalog_path, where)
    return Published(
        run_id=run_id,
        to=where,
        catalog=f"{where}/{run_id}/{CATALOG}",
        manifest=f"{where}/{run_id}/{MANIFEST}",
        catalog_sha256=digest,
        catalog_bytes=size,
        store=facts["store"],
        n_store_files=len(facts["files"]),
    )


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
