"""What a route answers (:class:`Reply`), and the cache of bodies the mirror makes on the fly.

Bodies made on the fly (a family SOFT gzipped, a MINiML XML packed into a tgz, records cut out of a
family SOFT for acc.cgi) are written once per source version into a private temp folder, so their
size is known before sending (``Content-Length``) and their ``ETag`` stays the same until a source
changes. Gzip and tar headers carry fixed times for the same reason.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import shutil
import tarfile
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rnacorpus.fileio import open_maybe_gzip, sha256_file

__all__ = ["DerivedCache", "Reply", "bytes_reply", "content_type_for", "file_reply", "gzip_into", "tgz_into"]

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20
_IN_MEMORY = 16 * 1024**2
_CONTENT_TYPES = (
    (".tar.gz", "application/x-gzip"),
    (".tgz", "application/x-gzip"),
    (".gz", "application/x-gzip"),
    (".tar", "application/x-tar"),
    (".json", "application/json"),
    (".xml", "text/xml"),
    (".html", "text/html"),
)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    #: stream this file instead of ``body``
    file: Path | None = None
    length: int | None = None
    etag: str | None = None
    #: seconds since the epoch
    last_modified: float | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def content_length(self) -> int:
        return self.length if self.length is not None else len(self.body)


def content_type_for(name: str) -> str:
    lowered = name.lower()
    for suffix, kind in _CONTENT_TYPES:
        if lowered.endswith(suffix):
            return kind
    return "text/plain; charset=utf-8"


def file_reply(path: Path, *, name: str | None = None, status: int = 200, content_type: str | None = None) -> Reply:
    """A file served as it is on disk; its ETag comes from its stat, like Apache's."""
    stat = path.stat()
    return Reply(
        status=status,
        content_type=content_type or content_type_for(name or path.name),
        file=path,
        length=stat.st_size,
        etag=f'"{stat.st_ino:x}-{stat.st_size:x}-{stat.st_mtime_ns:x}"' if status == 200 else None,
        last_modified=stat.st_mtime,
    )


def bytes_reply(
    body: bytes,
    content_type: str,
    *,
    status: int = 200,
    last_modified: float | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> Reply:
    """A body made in memory; its ETag is its content hash."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"' if status == 200 else None
    return Reply(status, content_type, body, etag=etag, last_modified=last_modified, headers=headers)


def gzip_into(source: Path) -> Callable[[IO[bytes]], None]:
    """A producer that gzips ``source`` (name and time left out of the header: same bytes every time)."""

    def produce(out: IO[bytes]) -> None:
        with source.open("rb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as packed:
            shutil.copyfileobj(raw, packed, _CHUNK)

    return produce


def tgz_into(source: Path, member: str) -> Callable[[IO[bytes]], None]:
    """A producer that packs ``source`` (decompressed if it is gzip) as ``member`` of a .tgz."""

    def produce(out: IO[bytes]) -> None:
        with tempfile.TemporaryFile() as plain:
            with open_maybe_gzip(source) as handle:
                shutil.copyfileobj(handle, plain, _CHUNK)
            size = plain.tell()
            plain.seek(0)
            info = tarfile.TarInfo(member)
            info.size = size
            info.mtime = int(source.stat().st_mtime)
            info.mode = 0o644
            with (
                gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as packed,
                tarfile.open(fileobj=packed, mode="w|", format=tarfile.USTAR_FORMAT) as tar,
            ):
                tar.addfile(info, plain)

    return produce


class DerivedCache:
    """Bodies made on the fly, on disk, one per (what, source version) key; least recently used go first."""

    def __init__(self, max_entries: int = 256) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="rnacorpus-mirror-"))
        self._max = max_entries
        self._entries: OrderedDict[Hashable, tuple[Path, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._counter = 0

    def reply(
        self,
        key: Hashable,
        produce: Callable[[IO[bytes]], None],
        *,
        content_type: str,
        last_modified: float | None,
        status: int = 200,
    ) -> Reply:
        with self._lock:
            path, digest = self._get(key, produce)
            size = path.stat().st_size
            # small bodies travel in memory, so a later eviction cannot pull a file from under a reader
            body = path.read_bytes() if size <= _IN_MEMORY else b""
        return Reply(
            status=status,
            content_type=content_type,
            body=body,
            file=None if body or size == 0 else path,
            length=size,
            etag=f'"{digest[:32]}"' if status == 200 else None,
            last_modified=last_modified,
        )

    def _get(self, key: Hashable, produce: Callable[[IO[bytes]], None]) -> tuple[Path, str]:
        # called under the one lock: making bodies is rare and usually quick, and the lock keeps two
        # threads from making the same body twice
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        self._counter += 1
        target = self._dir / f"body-{self._counter}"
        try:
            with target.open("wb") as out:
                produce(out)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        made = (target, sha256_file(target))
        self._entries[key] = made
        while len(self._entries) > self._max:
            _, (old, _) = self._entries.popitem(last=False)
            # a thread may still be streaming it: on POSIX its open handle keeps the data alive
            with contextlib.suppress(OSError):
                old.unlink()
        return made

    def close(self) -> None:
        with self._lock:
            self._entries.clear()
            shutil.rmtree(self._dir, ignore_errors=True)
