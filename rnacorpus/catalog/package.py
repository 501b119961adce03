"""Load packages: a study's catalog rows as files under the store, written by a worker, committed by the driver.

dlt's pattern (STYLE §4, DESIGN §8): a worker fetches, parses and harmonizes one study, writes its
expression shards and platform probe tables (content-hashed, fsynced: committed rows will point at
them), then writes every row the study owns as one Parquet file per catalog table plus a
``manifest.json``, and returns the package's path and the sha256 of its manifest. Workers never open
the catalog; the driver verifies each package (manifest sha256, then every file's) and commits it
(:mod:`.load`). Layout::

    <store>/packages/<accession>-<content key[:16]>/manifest.json
                                                  /studies.parquet, samples.parquet, …

A package is a pure function of the study's raw inputs and the versions that interpret them (the
content key): the run that commits it and the time are set at commit, never stored in it. It is
written into a hidden temp folder and renamed into place, so a folder under its final name is
complete. Its files are not fsynced, on purpose: a package lives only within the run that wrote it —
the catalog's COMMIT is the durability point, every run sweeps packages left by earlier ones at its
start (:func:`sweep_packages`, under the run lock), and a package damaged by a crash fails its
checksums and is never committed. That saves one fsync per table per study (~3 ms each here).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import secrets
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from rnacorpus.catalog.package_rows import (
    Owned,
    PlatformFile,
    encode_platform_tables,
    shard_tables,
    study_tables,
    write_platform_files,
)
from rnacorpus.catalog.plan import LoadPlan, ShardPlan
from rnacorpus.catalog.store import ExpressionStore, ShardInfo, ShardRequest
from rnacorpus.errors import BadContentError
from rnacorpus.fileio import sha256_bytes, sha256_file

__all__ = [
    "PACKAGES_DIR",
    "PACKAGE_FORMAT",
    "LoadPackage",
    "PackageRef",
    "RowsAhead",
    "TableEntry",
    "batch_files",
    "encode_rows_ahead",
    "open_package",
    "remove_package",
    "sweep_packages",
    "write_package",
]

log = logging.getLogger(__name__)

PACKAGE_FORMAT = 1
PACKAGES_DIR = "packages"
MANIFEST = "manifest.json"
#: package folders and their temp folders: only these are ever swept
_PACKAGE_NAME = re.compile(r"^[A-Za-z0-9_.-]+-[A-Za-z0-9_.-]{1,16}$")
_TEMP_NAME = re.compile(r"^\.[A-Za-z0-9_.-]+\.[0-9a-f]{8}\.tmp$")
#: small transient files: fast to write and read beat size (they are deleted after the commit)
_PARQUET_OPTIONS: dict[str, Any] = {"compression": "snappy", "use_dictionary": False, "write_statistics": False}


@dataclass(frozen=True)
class TableEntry:
    """One table's rows in a package, and which rows of that table the study owns (deleted first)."""

    table: str
    file: str | None  # None: the study owns rows there but has none now (they are only deleted)
    sha256: str | None
    rows: int
    owner_column: str
    owner_keys: tuple[str, ...]
    #: INSERT OR REPLACE (keyed tables whose rows another study may also write) instead of INSERT
    replace: bool


@dataclass(frozen=True)
class PackageRef:
    """What a worker returns about its package (small, picklable)."""

    path: str  # relative to the store root
    sha256: str  # of manifest.json
    n_samples: int


@dataclass(frozen=True)
class LoadPackage:
    """A verified package, ready to commit."""

    root: Path
    ref: PackageRef
    accession: str
    content_sha256: str
    sample_accessions: tuple[str, ...]
    platform_accessions: tuple[str, ...]
    tables: tuple[TableEntry, ...]
    #: store files the rows point at (shards, probe tables): path → sha256
    store_files: dict[str, str] = field(default_factory=dict)

    def entry(self, table: str) -> TableEntry | None:
        return next((e for e in self.tables if e.table == table), None)

    def file(self, table: str) -> Path | None:
        entry = self.entry(table)
        return self.root / entry.file if entry is not None and entry.file else None


def batch_files(packages: Sequence[LoadPackage], table: str) -> list[str]:
    """The batch's files of ``table`` (a package without rows of it has none)."""
    return [str(f) for p in packages if (f := p.file(table)) is not None]


# -- the worker side -------------------------------------------------------------------------------


def _write_shards(store: ExpressionStore, plan: LoadPlan) -> list[tuple[ShardInfo, ShardPlan]]:
    """Every shard of the plan (side by side: :meth:`ExpressionStore.write_all`), in plan order."""
    todo = [shard for shard in plan.shards if shard.written is None]  # else written while harmonizing
    requests = [ShardRequest(shard.matrix, shard.level, shard.collapse_rule) for shard in todo]
    infos = iter(store.write_all(requests, archive=plan.bundle.study.archive, content_key=plan.content_sha256))
    # write_all answers in request order, which is plan order without the shards already written
    return [(shard.written if shard.written is not None else next(infos), shard) for shard in plan.shards]


def package_name(accession: str, content_sha256: str) -> str:
    return f"{accession}-{content_sha256[:16]}"


#: one table of a package: its manifest entry and its file's bytes (None: the study owns no rows there now)
_Encoded = tuple[TableEntry, bytes | None]


def _encode(owned: list[Owned]) -> list[_Encoded]:
    encoded: list[_Encoded] = []
    for table, column, keys, replace, rows in owned:
        data, file, digest = None, None, None
        if rows.num_rows:
            buffer = io.BytesIO()
            pq.write_table(rows, buffer, **_PARQUET_OPTIONS)
            data, file = buffer.getvalue(), f"{table}.parquet"
            digest = sha256_bytes(data)
        encoded.append((TableEntry(table, file, digest, rows.num_rows, column, tuple(keys), replace), data))
    return encoded


@dataclass(frozen=True)
class RowsAhead:
    """What of a package does not wait for its shards, made while they are still being written
    (:func:`encode_rows_ahead`): the probe tables and every other table's rows, encoded; nothing is
    written until :func:`write_package` (a build that fails before it leaves no file of them)."""

    platforms: dict[str, PlatformFile]
    encoded: list[_Encoded]


def encode_rows_ahead(store: ExpressionStore, plan: LoadPlan) -> RowsAhead:
    """The platforms' probe tables and the rows of every table but the shards', encoded; the plan's
    rows must be final (its shards need not be written)."""
    platforms = encode_platform_tables(store, plan.bundle)
    platform_files = {accession: (file.relpath, file.sha256) for accession, file in platforms.items()}
    return RowsAhead(platforms, _encode(study_tables(plan, platform_files)))


def _package_files(
    plan: LoadPlan, shards: list[tuple[ShardInfo, ShardPlan]], ahead: RowsAhead
) -> tuple[dict[str, bytes], bytes, int]:
    """The package's table files (name → bytes), its manifest and its sample count."""
    encoded = ahead.encoded[:]
    # in the manifest, the shard tables sit where study_tables puts them: before the study's parse issues
    at = next(k for k, (entry, _) in enumerate(encoded) if entry.table == "parse_issues")
    encoded[at:at] = _encode(shard_tables(plan.bundle.study.accession, shards))
    files = {entry.file: data for entry, data in encoded if entry.file is not None and data is not None}
    entries = [{**entry.__dict__, "owner_keys": list(entry.owner_keys)} for entry, _ in encoded]
    store_files = {info.path: info.sha256 for info, _ in shards}
    store_files.update({file.relpath: file.sha256 for file in ahead.platforms.values()})
    samples = sorted({s.accession for s in plan.bundle.samples})
    manifest = {
        "format": PACKAGE_FORMAT,
        "accession": plan.bundle.study.accession,
        "content_sha256": plan.content_sha256,
        "sample_accessions": samples,
        "platform_accessions": sorted({p.accession for p in plan.bundle.platforms}),
        "tables": entries,
        "store_files": store_files,
    }
    return files, json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode(), len(samples)


def write_package(store: ExpressionStore, plan: LoadPlan, ahead: RowsAhead | None = None) -> PackageRef:
    """Write the study's shards, probe tables and rows; return the package (the worker's last step).
    ``ahead``: the probe tables and rows :func:`encode_rows_ahead` made from this plan meanwhile."""
    shards = _write_shards(store, plan)
    ahead = ahead if ahead is not None else encode_rows_ahead(store, plan)
    write_platform_files(store, ahead.platforms)
    name = package_name(plan.bundle.study.accession, plan.content_sha256)
    files, manifest, n_samples = _package_files(plan, shards, ahead)
    if store.tree is not None:  # one PUT per file, the manifest last: a package without it is never opened
        for file, data in [*files.items(), (MANIFEST, manifest)]:
            store.tree.write_bytes(f"{PACKAGES_DIR}/{name}/{file}", data)
        return PackageRef(path=f"{PACKAGES_DIR}/{name}", sha256=sha256_bytes(manifest), n_samples=n_samples)
    base = store.root / PACKAGES_DIR
    base.mkdir(parents=True, exist_ok=True)
    temp = base / f".{name}.{secrets.token_hex(4)}.tmp"
    temp.mkdir()
    try:
        for file, data in [*files.items(), (MANIFEST, manifest)]:
            (temp / file).write_bytes(data)
        final = base / name
        if final.exists():  # left by an earlier attempt at the same inputs (ours: same name, same content)
            remove_package(store, final.name)
        temp.rename(final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return PackageRef(path=f"{PACKAGES_DIR}/{name}", sha256=sha256_bytes(manifest), n_samples=n_samples)


# -- the driver side -------------------------------------------------------------------------------


def _local_package_dir(store: ExpressionStore, name: str) -> Path:
    """Where the driver keeps verified copies of a remote package's files while it commits them."""
    return Path(tempfile.gettempdir()) / f"rnacorpus-packages-{sha256_bytes(store.text.encode())[:12]}" / name


def _read_manifest(store: ExpressionStore, ref: PackageRef) -> tuple[Path, bytes]:
    """The package's root for reading (remote: a local working folder) and its manifest's bytes."""
    if store.tree is None:
        root = store.resolve(ref.path)
        try:
            return root, (root / MANIFEST).read_bytes()
        except OSError as exc:
            raise BadContentError(f"load package unreadable: {exc}", path=root) from exc
    root = _local_package_dir(store, ref.path.rsplit("/", 1)[-1])
    try:
        return root, store.tree.read_bytes(f"{ref.path}/{MANIFEST}", limit=1 << 30)
    except (OSError, BadContentError) as exc:
        raise BadContentError(f"load package unreadable: {exc}", path=store.url(ref.path)) from exc


def open_package(store: ExpressionStore, ref: PackageRef) -> LoadPackage:
    """Read and verify a package: its manifest is the one the worker reported, every file its checksum."""
    root, data = _read_manifest(store, ref)
    if sha256_bytes(data) != ref.sha256:
        raise BadContentError("load package manifest does not match what its worker wrote", path=root)
    manifest = json.loads(data)
    if manifest.get("format") != PACKAGE_FORMAT:
        raise BadContentError(f"load package format {manifest.get('format')!r}, expected {PACKAGE_FORMAT}", path=root)
    tables = tuple(TableEntry(**{**e, "owner_keys": tuple(e["owner_keys"])}) for e in manifest["tables"])
    for entry in tables:
        if entry.file is None:
            continue
        if store.tree is not None:  # verified on the way down; the commit reads the local copy
            if store.tree.download(f"{ref.path}/{entry.file}", root / entry.file) != entry.sha256:
                raise BadContentError(f"load package file {entry.file} fails its checksum", path=root)
        elif sha256_file(root / entry.file) != entry.sha256:
            raise BadContentError(f"load package file {entry.file} fails its checksum", path=root)
    for relpath in manifest["store_files"]:
        if not store.exists(relpath):
            raise BadContentError(f"load package points at a missing store file {relpath}", path=root)
    return LoadPackage(
        root=root,
        ref=ref,
        accession=manifest["accession"],
        content_sha256=manifest["content_sha256"],
        sample_accessions=tuple(manifest["sample_accessions"]),
        platform_accessions=tuple(manifest["platform_accessions"]),
        tables=tables,
        store_files=dict(manifest["store_files"]),
    )


def _ours(name: str) -> bool:
    return bool(_PACKAGE_NAME.match(name) or _TEMP_NAME.match(name))


def remove_package(store: ExpressionStore, name: str) -> None:
    """Delete one package folder (committed, failed, or left by a dead run) — only if it is ours."""
    if not _ours(name):
        return
    if store.tree is not None:
        local = _local_package_dir(store, name)
        shutil.rmtree(local, ignore_errors=True)  # the driver's verified copies
        with contextlib.suppress(OSError):  # the store's folder of copies goes with its last package
            local.parent.rmdir()
        for rel in store.tree.list_files(f"{PACKAGES_DIR}/{name}"):
            if rel.endswith((f"/{MANIFEST}", ".parquet")):
                store.tree.delete(rel)
        return
    folder = store.root / PACKAGES_DIR / name
    if not folder.is_dir():
        return
    for item in folder.iterdir():
        if item.name == MANIFEST or item.suffix == ".parquet":
            with contextlib.suppress(FileNotFoundError):
                item.unlink()
    with contextlib.suppress(OSError):  # a user's file inside keeps the folder
        folder.rmdir()


def sweep_packages(store: ExpressionStore) -> list[str]:
    """Remove every package and temp package folder (call under the run lock with no worker running:
    none is live then)."""
    if store.tree is not None:
        names = sorted({rel.split("/")[1] for rel in store.tree.list_files(PACKAGES_DIR) if rel.count("/") >= 2})
    else:
        base = store.root / PACKAGES_DIR
        if not base.is_dir():
            return []
        names = sorted(item.name for item in base.iterdir())
    removed = [name for name in names if _ours(name)]
    for name in removed:
        remove_package(store, name)
    if removed:
        log.info("removed %d load package(s) no commit took", len(removed))
    if store.tree is not None:
        return removed
    with contextlib.suppress(OSError):  # only when empty: a store without a run in flight has no packages/
        base.rmdir()
    return removed
