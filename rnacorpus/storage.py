"""Where the expression store and the raw cache live: a local folder, or an object store through fsspec.

``--store`` and ``--cache`` take a local path (as always), a ``file://`` URL (the same thing) or any
fsspec URL — ``s3://bucket/prefix``, ``gs://bucket/prefix`` … (:func:`parse_location`). A local folder
is handled by the code that has always handled it (``atomic_write``: temp file, fsync, rename). A URL
becomes a :class:`RemoteTree`: files addressed by relative POSIX paths under the URL, read and written
through the protocol's fsspec filesystem.

**Atomic writes where the store has no rename** (:meth:`RemoteTree.atomic_write`): the bytes go to a
local temp file first (hashed there), are uploaded under a hidden temporary key beside the target
(``.<name>.<random>.part``), verified against what was written — the size always, the MD5 too where
the store reports it as the ETag of a single-part upload — and only then copied to the final key
(a server-side copy) and the temporary key deleted. A reader therefore never sees a partial object
under a final name, and a writer that dies leaves only a ``.part`` key that sweeps recognise as ours.
Readers trust only files the catalog references, and verify their sha256 where they read values.

**Storage options come from the environment of each process** (:func:`storage_options`): fsspec's
own ``FSSPEC_<PROTOCOL>_<OPTION>`` variables (``FSSPEC_S3_ENDPOINT_URL=http://…`` for a local S3,
MinIO or moto) and ``FSSPEC_<PROTOCOL>`` (a JSON object), plus whatever the protocol's library reads
itself (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL`` …
for s3fs/botocore). Nothing secret travels inside a :class:`~rnacorpus.config.Config`: a
:class:`RemoteTree` pickles as its URL, and each cluster worker opens the store with its own
credentials.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from rnacorpus.errors import BadContentError, ConfigError, UnsafePathError

__all__ = [
    "Location",
    "RemoteTree",
    "is_remote",
    "location_text",
    "parse_location",
    "remote_tree",
    "spool_dir",
    "storage_options",
]

log = logging.getLogger(__name__)

#: a local folder (``Path``) or an fsspec URL with a scheme other than ``file`` (``str``)
Location = Path | str
_LOCAL_SCHEMES = frozenset({"file", "local"})
_CHUNK = 1 << 20
#: libraries that provide a protocol, named in the error when one is missing
_PROTOCOL_PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}
#: other processes write the same tree: a cached directory listing would hide their files
_NO_LISTINGS_CACHE = {"use_listings_cache": False}


def parse_location(value: str | os.PathLike[str]) -> Location:
    """A ``--store``/``--cache`` value: local path or ``file://`` URL → ``Path``; other URLs → ``str``."""
    if isinstance(value, Path):
        return value
    text = os.fspath(value)
    if "://" not in text:
        return Path(text)
    scheme, _, rest = text.partition("://")
    scheme = scheme.lower()
    if scheme in _LOCAL_SCHEMES:
        return Path(unquote(urlsplit(text).path))
    if not scheme.isidentifier() and not scheme.replace("-", "").replace("+", "").isalnum():
        raise ConfigError(f"not a storage URL: {text!r}")
    root = rest.strip("/")
    if not root:
        raise ConfigError(f"a storage URL needs a bucket (and optionally a prefix): {text!r}")
    return f"{scheme}://{root}"


def is_remote(location: Location) -> bool:
    return isinstance(location, str)


def location_text(location: Location) -> str:
    """How a location is recorded (catalog stamps, manifests): an absolute path, or the URL."""
    return location if isinstance(location, str) else str(location.resolve())


def storage_options(protocol: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """fsspec options for ``protocol`` from ``FSSPEC_<PROTOCOL>`` (JSON) and ``FSSPEC_<PROTOCOL>_<OPTION>``.

    Read from the calling process's environment each time a filesystem is opened, so that a worker
    uses its own variables (fsspec reads them only once, when it is first imported).
    """
    from fsspec.config import set_conf_env

    conf: dict[str, dict[str, Any]] = {}
    set_conf_env(conf, dict(os.environ if env is None else env))
    return dict(conf.get(protocol.lower(), {}))


def spool_dir(url: str) -> Path:
    """The local folder holding this process's working copies of files under ``url`` (a remote cache).

    ``RNACORPUS_SPOOL`` chooses the parent; the default is beside the local cache
    (``$XDG_CACHE_HOME/rnacorpus/spool``). One subfolder per URL, so two remote caches never mix.
    """
    parent = os.environ.get("RNACORPUS_SPOOL")
    if parent:
        base = Path(parent)
    else:
        root = os.environ.get("XDG_CACHE_HOME")
        base = (Path(root) if root else Path.home() / ".cache") / "rnacorpus" / "spool"
    return base / hashlib.sha256(url.encode()).hexdigest()[:16]


def _safe_relpath(relpath: str) -> PurePosixPath:
    rel = PurePosixPath(relpath)
    if rel.is_absolute() or any(part in {"..", "."} for part in rel.parts) or "\\" in relpath:
        raise UnsafePathError(f"path escapes the store: {relpath!r}")
    return rel


class RemoteTree:
    """Files under an fsspec URL, addressed by relative POSIX paths (never ``..``, never absolute)."""

    def __init__(self, url: str) -> None:
        location = parse_location(url)
        if not isinstance(location, str):
            raise ConfigError(f"not a remote URL: {url!r}")
        self.url = location
        self.protocol, _, self.root = location.partition("://")
        self._fs: Any = None
        self._lock = threading.Lock()
        #: sha256 and size of files this process uploaded, so the writer needs no second read
        self._written: dict[str, tuple[str, int]] = {}

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (remote_tree, (self.url,))  # a URL crosses processes; the filesystem is opened there

    def __repr__(self) -> str:
        return f"RemoteTree({self.url!r})"

    @property
    def fs(self) -> Any:
        """The protocol's fsspec filesystem, opened on first use with this process's options."""
        with self._lock:
            if self._fs is None:
                self._fs = _open_filesystem(self.protocol)
            return self._fs

    # -- names --------------------------------------------------------------------------------

    def key(self, relpath: str = "") -> str:
        """The filesystem path (no protocol) of ``relpath``; refuses anything leaving the tree."""
        if not relpath:
            return self.root
        return f"{self.root}/{_safe_relpath(relpath).as_posix()}"

    def url_of(self, relpath: str = "") -> str:
        return f"{self.protocol}://{self.key(relpath)}"

    def relative(self, key: str) -> str:
        """``key`` (as the filesystem lists it) relative to the tree."""
        key = key.split("://", 1)[-1]
        return key[len(self.root) :].lstrip("/")

    # -- reading ------------------------------------------------------------------------------

    def exists(self, relpath: str) -> bool:
        return bool(self.fs.exists(self.key(relpath)))

    def is_file(self, relpath: str) -> bool:
        return bool(self.fs.isfile(self.key(relpath)))

    def size(self, relpath: str) -> int:
        return int(self.fs.info(self.key(relpath))["size"])

    def open_read(self, relpath: str) -> IO[bytes]:
        handle: IO[bytes] = self.fs.open(self.key(relpath), "rb")
        return handle

    def read_bytes(self, relpath: str, *, limit: int | None = None) -> bytes:
        with self.open_read(relpath) as handle:
            data = handle.read() if limit is None else handle.read(limit + 1)
        if limit is not None and len(data) > limit:
            raise BadContentError(f"{self.url_of(relpath)} is larger than {limit:,} bytes")
        return data

    def download(self, relpath: str, target: Path) -> str:
        """Copy ``relpath`` to the local file ``target`` atomically; returns its sha256."""
        from rnacorpus.fileio import atomic_write

        digest = hashlib.sha256()
        with self.open_read(relpath) as source, atomic_write(target) as sink:
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                digest.update(chunk)
                sink.write(chunk)
        return digest.hexdigest()

    def checksum(self, relpath: str) -> tuple[str, int]:
        """(sha256, size) of a file: remembered when this process wrote it, else read and hashed."""
        known = self._written.get(relpath)
        if known is not None:
            return known
        digest, size = hashlib.sha256(), 0
        with self.open_read(relpath) as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size

    def list_files(self, relpath: str = "") -> dict[str, dict[str, Any]]:
        """Every file under ``relpath`` (recursively): relative path → the filesystem's info."""
        base = self.key(relpath)
        try:
            found: dict[str, dict[str, Any]] = self.fs.find(base, detail=True)
        except FileNotFoundError:
            return {}
        return {self.relative(key): info for key, info in found.items() if info.get("type", "file") == "file"}

    # -- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def atomic_write(self, relpath: str) -> Iterator[IO[bytes]]:
        """Yield a local temp file; on a clean exit upload it as ``relpath`` (temporary key, verified, copied).

        On any exception nothing is uploaded and the final key is untouched.
        """
        rel = _safe_relpath(relpath).as_posix()
        with tempfile.TemporaryDirectory(prefix="rnacorpus-upload-") as folder:
            local = Path(folder) / "data"
            with local.open("wb") as handle:
                yield handle
            self.upload(local, rel)

    def upload(self, local: Path, relpath: str) -> tuple[str, int]:
        """Upload the local file ``local`` as ``relpath``: temporary key, verify, copy, delete the temporary."""
        sha, md5, size = _digests(local)
        final = self.key(relpath)
        name = PurePosixPath(final).name
        temp = f"{final.rsplit('/', 1)[0]}/.{name}.{secrets.token_hex(6)}.part"
        fs = self.fs
        try:
            fs.put_file(str(local), temp)
            _verify_upload(fs.info(temp), size, md5, self.url_of(relpath))
            fs.copy(temp, final)
            if int(fs.info(final)["size"]) != size:
                raise BadContentError(f"{self.url_of(relpath)}: size changed in the copy from its temporary key")
        finally:
            with contextlib.suppress(FileNotFoundError, OSError):
                fs.rm_file(temp)
        self._remember(relpath, sha, size)
        return sha, size

    def write_bytes(self, relpath: str, data: bytes) -> None:
        """One small object in one PUT (an object store publishes a PUT whole or not at all).

        Used for load-package files, whose readers verify every sha256 against the manifest."""
        self.fs.pipe_file(self.key(relpath), data)
        self._remember(relpath, hashlib.sha256(data).hexdigest(), len(data))

    def delete(self, relpath: str) -> bool:
        """Delete one file; False when it was not there."""
        self._written.pop(relpath, None)
        try:
            self.fs.rm_file(self.key(relpath))
        except FileNotFoundError:
            return False
        return True

    def remove_stale_temps(self, relpath: str, *, max_age: float) -> int:
        """Delete temporary keys of ``relpath`` older than ``max_age`` seconds (left by a writer that died)."""
        folder, _, name = self.key(relpath).rpartition("/")
        temp_name = re.compile(rf"^\.{re.escape(name)}\.[0-9a-f]{{12}}\.part$")
        removed = 0
        try:
            listed = self.fs.ls(folder, detail=True, refresh=True)
        except FileNotFoundError:
            return 0
        cutoff = time.time() - max_age
        for info in listed:
            base = PurePosixPath(info["name"]).name
            if temp_name.match(base) and _mtime(info) < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    self.fs.rm_file(info["name"])
                    removed += 1
        return removed

    def _remember(self, relpath: str, sha: str, size: int) -> None:
        if len(self._written) > 10_000:  # a long-lived worker: keep the memo bounded
            self._written.clear()
        self._written[relpath] = (sha, size)


_trees: dict[str, RemoteTree] = {}
_trees_lock = threading.Lock()


def remote_tree(url: str) -> RemoteTree:
    """This process's tree for ``url`` (one filesystem per URL and process)."""
    with _trees_lock:
        tree = _trees.get(url)
        if tree is None:
            tree = _trees[url] = RemoteTree(url)
        return tree


def _open_filesystem(protocol: str) -> Any:
    try:
        import fsspec

        options = storage_options(protocol)
        if protocol in _PROTOCOL_PACKAGES:
            options = {**_NO_LISTINGS_CACHE, **options}
        return fsspec.filesystem(protocol, **options)
    except ImportError as exc:
        package = _PROTOCOL_PACKAGES.get(protocol, f"the fsspec implementation of {protocol}://")
        raise ConfigError(
            f"{protocol}:// storage needs {package}: pip install 'rnacorpus[cluster]' (or {package})"
        ) from exc
    except ValueError as exc:  # fsspec: unknown protocol
        raise ConfigError(f"unknown storage protocol {protocol!r}: {exc}") from exc


def _digests(path: Path) -> tuple[str, str, int]:
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), md5.hexdigest(), size


def _verify_upload(info: Mapping[str, Any], size: int, md5: str, shown: str) -> None:
    """The uploaded temporary object holds what was written: its size, and its MD5 where the store
    reports one (an S3 ETag of a single-part upload is the MD5; a multipart one has a ``-N`` suffix)."""
    if int(info.get("size", -1)) != size:
        raise BadContentError(f"{shown}: uploaded {info.get('size')} bytes, wrote {size}")
    etag = str(info.get("ETag") or info.get("etag") or "").strip('"').lower()
    if etag and "-" not in etag and len(etag) == 32 and etag != md5:
        raise BadContentError(f"{shown}: the store's MD5 {etag} differs from the bytes written ({md5})")


def _mtime(info: Mapping[str, Any]) -> float:
    stamp = info.get("LastModified") or info.get("mtime") or info.get("updated")
    if stamp is not None and hasattr(stamp, "timestamp"):
        return float(stamp.timestamp())
    try:
        return float(stamp)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return time.time()  # unknown age: never stale
