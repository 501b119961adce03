"""The raw cache: archive files on disk exactly as served, each with a JSON sidecar.

Layout (see :mod:`rnacorpus.harvester.cachekeys`)::

    <cache>/ncbi_ftp/geo/series/GSE1nnn/GSE1000/soft/GSE1000_family.soft.gz
    <cache>/ncbi_ftp/geo/series/GSE1nnn/GSE1000/soft/.GSE1000_family.soft.gz.meta.json   ← sidecar
    <cache>/ncbi_ftp/geo/series/GSE1nnn/GSE1000/soft/.GSE1000_family.soft.gz.x1y2.part   ← download in flight

Writes follow pooch: stream into a temp file beside the target, check, hash, fsync, rename; the
sidecar is written the same way afterwards. A file without a readable, matching sidecar is a miss
(logged), never a crash, and temp files are never read (their hidden names never equal a target).

Whether to use, revalidate or download is decided first by the pure :func:`plan_fetch`
(:mod:`rnacorpus.harvester.cache_policy`); the sidecar record is :mod:`rnacorpus.harvester.cache_entry`.
Both modules' names stay importable from here: :class:`CachePolicy` and the named policies are part of
the :class:`rnacorpus.harvester.base.Source` protocol that sources outside this package implement.

**A cache on object storage** (``--cache s3://bucket/prefix``, :mod:`rnacorpus.storage`) is the cache
of record, shared by every machine of a run, with the same layout and sidecars. Each process works on
local copies in a spool folder (:func:`rnacorpus.storage.spool_dir`): a download is written and
checked locally as above, then uploaded (temporary key, verified, copied into place), its sidecar
last; a lookup reads the remote sidecar, and fetches the file into the spool unless the local copy
already has its sha256. The remote sidecar decides: a local copy the remote cache does not list is a
miss. Parsers keep reading local files, and the catalog records the file's URL in the cache of record.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Literal

from rnacorpus.errors import BadContentError
from rnacorpus.fileio import atomic_write, fsync_dir, sha256_file
from rnacorpus.harvester.cache_entry import SIDECAR_FORMAT, CachedFile, CacheEntry
from rnacorpus.harvester.cache_lock import StripedFileLocks
from rnacorpus.harvester.cache_policy import (
    NO_STORE,
    PINNED,
    SEARCH,
    STUDY,
    CachePolicy,
    FetchAction,
    FetchPlan,
    default_policy,
    plan_fetch,
)
from rnacorpus.harvester.cachekeys import cache_relpath, join_under
from rnacorpus.storage import Location, RemoteTree, parse_location, remote_tree, spool_dir

__all__ = [
    "NO_STORE",
    "PINNED",
    "SEARCH",
    "SIDECAR_FORMAT",
    "STUDY",
    "CacheEntry",
    "CachePolicy",
    "CachedFile",
    "FetchAction",
    "FetchPlan",
    "RawCache",
    "Verify",
    "default_policy",
    "plan_fetch",
]

log = logging.getLogger(__name__)

_MAX_SIDECAR_BYTES = 1 << 20
#: a temp file untouched this long belongs to a dead download (a live one is written every read)
STALE_PART_SECONDS = 15 * 60

Verify = Literal["cheap", "full"]


class RawCache:
    """File placement, sidecars and verification. Network-free; the client drives it."""

    def __init__(self, root: Location | str) -> None:
        location = parse_location(root)
        #: the cache of record on object storage, or None when the cache is this local folder
        self.remote: RemoteTree | None = remote_tree(location) if isinstance(location, str) else None
        #: where files are read and written locally: the cache itself, or the remote cache's spool
        self.root = location if isinstance(location, Path) else spool_dir(location).resolve()
        self._locks = StripedFileLocks()

    def location_of(self, path: str | Path) -> str:
        """Where a cached file lives in the cache of record: its local path, or its URL in the remote cache."""
        if self.remote is None:
            return str(path)
        try:
            return self.remote.url_of(Path(path).relative_to(self.root).as_posix())
        except ValueError:  # not a cache file (a pinned reference elsewhere): as it is
            return str(path)

    def path_for(self, archive: str, url: str) -> Path:
        return join_under(self.root, *cache_relpath(archive, url).parts)

    @staticmethod
    def sidecar_path(path: Path) -> Path:
        return path.with_name(f".{path.name}.meta.json")

    def lock(self, path: Path) -> contextlib.AbstractContextManager[None]:
        """One lock per file (striped), held across threads and processes sharing this cache folder
        (:mod:`rnacorpus.harvester.cache_lock`): two never download, verify or evict the same file at once."""
        return self._locks.lock(path)

    def load(self, path: Path, key: str, *, verify: Verify = "cheap") -> CacheEntry | None:
        """The verified entry for ``path``, or None (a miss) when absent, unreadable or not matching."""
        if self.remote is not None and not self._pull(self.remote, path, key):
            return None
        if not path.is_file():
            return None
        entry = self._read_sidecar(path)
        if entry is None:
            return None
        if entry.cache_key != key:
            log.warning("cache: %s belongs to another URL (%s); treating as a miss", path, entry.url)
            return None
        try:
            stat = path.stat()
        except OSError as exc:
            log.warning("cache: cannot stat %s (%s); treating as a miss", path, exc)
            return None
        if stat.st_size != entry.size:
            log.warning("cache: %s is %d bytes, sidecar says %d; treating as a miss", path, stat.st_size, entry.size)
            return None
        if verify == "cheap" and stat.st_mtime_ns == entry.mtime_ns:
            return entry
        digest = sha256_file(path)
        if digest != entry.sha256:
            log.warning("cache: %s sha256 %s does not match its sidecar; treating as a miss", path, digest)
            return None
        if stat.st_mtime_ns != entry.mtime_ns:  # touched or copied, same bytes: remember the new mtime
            entry = replace(entry, mtime_ns=stat.st_mtime_ns)
            with contextlib.suppress(OSError):
                self._write_local_sidecar(entry)
        return entry

    def localize(self, location: str, sha256: str) -> Path:
        """A local file holding the cached file at ``location`` (:meth:`location_of`), verified by sha256.

        For a remote cache this is the spool's copy, fetched from the cache of record unless the spool
        already holds those bytes (a cluster worker on another machine than the one that downloaded).
        """
        remote = self.remote
        if remote is None or not location.startswith(remote.url + "/"):
            return Path(location)
        rel = location[len(remote.url) + 1 :]
        path = join_under(self.root, *PurePosixPath(rel).parts)
        with self.lock(path):
            held = self._read_local_entry(path)
            if held is not None and held.sha256 == sha256:
                return path
            if remote.download(rel, path) != sha256:
                raise BadContentError(f"{location} changed in the cache after it was fetched", path=location)
            raw = remote.read_bytes(self.sidecar_path(path).relative_to(self.root).as_posix(), limit=_MAX_SIDECAR_BYTES)
            entry = CacheEntry.from_json(path, json.loads(raw))
            self._write_local_sidecar(replace(entry, mtime_ns=path.stat().st_mtime_ns))
        return path

    def _pull(self, remote: RemoteTree, path: Path, key: str) -> bool:
        """Make the spool's copy of ``path`` match the remote cache's entry; False when it has none."""
        sidecar = self.sidecar_path(path)
        rel = path.relative_to(self.root).as_posix()
        try:
            raw = remote.read_bytes(sidecar.relative_to(self.root).as_posix(), limit=_MAX_SIDECAR_BYTES)
            entry = CacheEntry.from_json(path, json.loads(raw))
        except FileNotFoundError:
            return False
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("cache: sidecar of %s is unreadable (%s); treating as a miss", remote.url_of(rel), exc)
            return False
        if entry.cache_key != key:
            return False  # load() logs the mismatch when it reads the local sidecar
        local = self._read_local_entry(path)
        if local is None or local.sha256 != entry.sha256 or local.size != entry.size:
            try:
                digest = remote.download(rel, path)
            except FileNotFoundError:
                log.warning("cache: %s has a sidecar but no file; treating as a miss", remote.url_of(rel))
                return False
            if digest != entry.sha256:
                log.warning("cache: %s does not match its sidecar's sha256; treating as a miss", remote.url_of(rel))
                return False
        if local != replace(entry, mtime_ns=path.stat().st_mtime_ns):
            self._write_local_sidecar(replace(entry, mtime_ns=path.stat().st_mtime_ns))
        return True

    def _read_local_entry(self, path: Path) -> CacheEntry | None:
        """The spool's sidecar of ``path`` if it and the file exist and agree on size (quietly)."""
        try:
            data = json.loads(self.sidecar_path(path).read_bytes())
            entry = CacheEntry.from_json(path, data)
            return entry if path.stat().st_size == entry.size else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _read_sidecar(self, path: Path) -> CacheEntry | None:
        sidecar = self.sidecar_path(path)
        try:
            with sidecar.open("rb") as handle:
                raw = handle.read(_MAX_SIDECAR_BYTES + 1)
            if len(raw) > _MAX_SIDECAR_BYTES:
                raise ValueError("sidecar too large")
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise TypeError("sidecar is not a JSON object")
            return CacheEntry.from_json(path, data)
        except FileNotFoundError:
            log.warning("cache: %s has no sidecar (interrupted write?); treating as a miss", path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("cache: sidecar of %s is unreadable (%s); treating as a miss", path, exc)
        return None

    def write_sidecar(self, entry: CacheEntry) -> None:
        """Record ``entry`` (last, after its file): locally, and in the remote cache when there is one."""
        self._write_local_sidecar(entry)
        if self.remote is not None:
            sidecar = self.sidecar_path(entry.path)
            self.remote.upload(sidecar, sidecar.relative_to(self.root).as_posix())

    def _write_local_sidecar(self, entry: CacheEntry) -> None:
        payload = json.dumps(entry.to_json(), indent=2, sort_keys=True).encode()
        with atomic_write(self.sidecar_path(entry.path)) as handle:
            handle.write(payload + b"\n")

    def mark_verified(self, path: Path, sha256: str, *, read_as: tuple[int, int] | None = None) -> bool:
        """Record that the cached ``sha256`` bytes at ``path`` were proven whole (a reader inflated them
        to their end). ``read_as``: the (size, mtime_ns) of the file that reader opened, which must be
        the one the sidecar describes. False (nothing written) when the sidecar no longer describes
        those bytes: another download replaced them, and that one carries its own verdict."""
        with self.lock(path):
            entry = self._read_local_entry(path)
            if entry is None or entry.sha256 != sha256:
                return False
            if read_as is not None and read_as != (entry.size, entry.mtime_ns):
                return False
            if not entry.verified:
                self.write_sidecar(replace(entry, verified=True))
            return True

    def evict(self, path: Path, sha256: str) -> bool:
        """Drop the cached ``sha256`` bytes at ``path`` (found incomplete after they were stored): the
        sidecar first, so the file is a miss from then on, then the file. False when the sidecar
        describes other bytes (those are left alone)."""
        with self.lock(path):
            entry = self._read_local_entry(path)
            if entry is None or entry.sha256 != sha256:
                return False
            self.sidecar_path(path).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
            fsync_dir(path.parent)
        log.warning("cache: %s was incomplete; removed, the next fetch downloads it again", path)
        return True

    def write_stream(
        self,
        path: Path,
        chunks: Iterable[bytes],
        *,
        on_chunk: Callable[[bytes], None],
        before_commit: Callable[[], None],
    ) -> tuple[int, str, int]:
        """Stream ``chunks`` to a temp file beside ``path``; rename only if ``before_commit`` passes.

        ``on_chunk`` sees every chunk before it is written (checks can stop a bad download early).
        Returns (size, sha256 hex, mtime_ns of the final file).
        """
        digest = hashlib.sha256()
        size = 0
        with atomic_write(path) as handle:
            for chunk in chunks:
                on_chunk(chunk)
                digest.update(chunk)
                handle.write(chunk)
                size += len(chunk)
            before_commit()
        if self.remote is not None:  # the file first, its sidecar after (write_sidecar)
            self.remote.upload(path, path.relative_to(self.root).as_posix())
        return size, digest.hexdigest(), path.stat().st_mtime_ns

    def remove_stale_parts(self, path: Path, *, max_age: float = STALE_PART_SECONDS) -> int:
        """Delete temp files of ``path`` (and of its sidecar) left by a download that died."""
        removed = 0
        if self.remote is not None:
            for target in (path, self.sidecar_path(path)):
                rel = target.relative_to(self.root).as_posix()
                removed += self.remote.remove_stale_temps(rel, max_age=max_age)
        if not path.parent.is_dir():
            return removed
        cutoff = time.time() - max_age  # file ages are wall-clock facts, not the client's clock
        for name in (path.name, self.sidecar_path(path).name):
            for part in path.parent.glob(f".{_glob_escape(name)}.*.part"):
                with contextlib.suppress(OSError):
                    if part.stat().st_mtime < cutoff:
                        part.unlink()
                        removed += 1
                        log.debug("cache: removed stale temp file %s", part)
        return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)
