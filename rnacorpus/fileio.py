"""Small file primitives every part shares: atomic writes, checksums, bounded gzip reading.

* :func:`atomic_write` — temp file in the target's folder, fsync, rename, fsync the folder: a reader
  sees the old file or the new one, never half of one, even after ``kill -9``.
* :func:`open_maybe_gzip` — sniff the gzip magic (not the file name), decompress with ISA-L when
  installed, and stop a decompression bomb with :class:`~rnacorpus.errors.LimitExceededError`.
* :func:`recording_whole_reads` — which gzip files were read to their end (every member's CRC and
  length checked): a reader that inflates a whole file proves it complete as it goes, so a download
  whose check was left to that reader needs no inflation of its own
  (:mod:`rnacorpus.harvester.deferred_check`).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import mmap
import os
import re
import secrets
import zlib
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, BinaryIO, cast

from rnacorpus.errors import LimitExceededError, TruncatedError

_fast_gzip: ModuleType | None
#: what a corrupt or cut gzip stream raises while being read: zlib's and Python's own errors, and
#: ISA-L's IsalError (a plain Exception subclass, so it must be named)
GZIP_ERRORS: tuple[type[BaseException], ...] = (OSError, zlib.error)
try:  # ISA-L is ~3x faster than zlib for gzip; fall back quietly when the wheel is missing
    from isal import igzip as _fast_gzip
    from isal.isal_zlib import error as _isal_error

    GZIP_ERRORS = (*GZIP_ERRORS, cast(type[BaseException], _isal_error))
except ImportError:  # pragma: no cover - isal is a declared dependency
    _fast_gzip = None
if TYPE_CHECKING:
    from rnacorpus.inflated_blocks import InflatingThread
#: the block-handing inflater (it uses ISA-L's C reader, a private name of isal's): when a future isal
#: lacks it, the threaded path falls back to isal's own threaded reader instead of losing ISA-L
_inflating_thread: type[InflatingThread] | None
try:
    from rnacorpus.inflated_blocks import InflatingThread as _inflating_thread
except ImportError:  # pragma: no cover - exercised by a test that hides it
    _inflating_thread = None

__all__ = [
    "DEFAULT_MAX_DECOMPRESSED",
    "DEFAULT_MAX_RATIO",
    "GZIP_ERRORS",
    "GZIP_MAGIC",
    "RATIO_GRACE_BYTES",
    "BoundedReader",
    "HashingWriter",
    "atomic_write",
    "drop_cached",
    "file_identity",
    "flush_and_drop",
    "fsync_dir",
    "is_gzip",
    "is_private_temp_name",
    "open_maybe_gzip",
    "open_text",
    "private_temp_name",
    "recording_whole_reads",
    "sha256_bytes",
    "sha256_file",
    "sha256_of_files",
]

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_DECOMPRESSED = 32 * 1024**3
#: a sparse count table (99.9 % zeros) inflates ~100:1, real text 5-30:1; deflate's ceiling is ~1032:1
DEFAULT_MAX_RATIO = 250.0
#: below this many decompressed bytes the ratio rule does not apply (tiny files compress absurdly well)
RATIO_GRACE_BYTES = 64 * 1024**2
_CHUNK = 1 << 20
_RATIO_CHECK_EVERY = 8 << 20

#: a file's identity as a reader saw it: (st_dev, st_ino, st_size, st_mtime_ns)
FileIdentity = tuple[int, int, int, int]
_whole_reads: ContextVar[set[FileIdentity] | None] = ContextVar("rnacorpus_whole_reads", default=None)


@contextlib.contextmanager
def recording_whole_reads() -> Iterator[set[FileIdentity]]:
    """Collect the identity of every gzip file opened (by :func:`open_maybe_gzip`, in this context)
    and then read to its end without error, whichever thread reads it."""
    seen: set[FileIdentity] = set()
    token = _whole_reads.set(seen)
    try:
        yield seen
    finally:
        _whole_reads.reset(token)


def file_identity(stat: os.stat_result) -> FileIdentity:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def remove_other_versions(kept: Path, own_name: re.Pattern[str], group: str, value: str) -> None:
    """Delete the files beside ``kept`` that ``own_name`` matches whole with ``group`` equal to
    ``value`` (other versions of the same kept file): only names the caller's module gives, never
    ``kept`` itself, so a user's file in the folder survives."""
    for other in kept.parent.iterdir():
        match = own_name.fullmatch(other.name)
        if match and match[group] == value and other != kept:
            with contextlib.suppress(FileNotFoundError):
                other.unlink()


def sha256_of_files(folder: Path, patterns: tuple[str, ...]) -> str:
    """sha256 over the files of ``folder`` matching ``patterns`` (relative names and bytes, in name
    order): the key of a table derived by the code and data those files hold."""
    digest = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in folder.glob(pattern)}):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class HashingWriter(io.RawIOBase):
    """Forward writes to ``inner`` and hash and count them on the way, so a file's sha256 costs no
    second read (Parquet writers only append, so the digest is the file's).

    Closing it leaves ``inner`` open: the atomic write that made ``inner`` syncs, closes and renames it.
    """

    def __init__(self, inner: IO[bytes]) -> None:
        super().__init__()
        self._inner = inner
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        self.sha256.update(view)
        self._inner.write(view)
        self.size += len(view)
        return len(view)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        if not self._inner.closed:
            self._inner.flush()


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename inside ``folder`` durable (POSIX needs the directory entry flushed too)."""
    with contextlib.suppress(OSError):  # some filesystems refuse O_RDONLY on dirs; nothing to do then
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def flush_and_drop(fd: int, start: int, stop: int) -> None:
    """Write the open file's data to disk (``fdatasync``), then drop its bytes ``[start, stop)`` from
    the page cache (drop-behind, for a file written once in a stream and not read again by its writer).

    An export writes gigabytes of part files: kept in the page cache they push out what the next
    export or query reads (the store's shards, the catalog), and every page a stream writes into the
    cache is a page the kernel must find first. On a VM whose freed memory goes back to the host
    (free page reporting, as on the benchmark machine) that is a page the host must back again: the
    kernel's copy into fresh cache pages cost 1.3-2 CPU-s per GiB written (2 GiB in 1 MiB writes,
    flushed every 16 MiB: 2.6-4.0 sys-s kept, 0.6-0.8 with the flushed ranges dropped;
    docs/benchmarks.md, session 28), while dropped pages are reused warm by the next writes. Only
    clean pages are dropped, hence the flush first; where ``posix_fadvise`` does not exist (macOS)
    the bytes are only flushed (with ``fsync``: macOS has no ``fdatasync`` either)."""
    _data_sync(fd)
    drop_cached(fd, start, stop)


#: ``fdatasync`` where the platform has it (Linux), else ``fsync`` (macOS, Windows)
_data_sync = getattr(os, "fdatasync", os.fsync)


def drop_cached(fd: int, start: int, stop: int | None = None) -> None:
    """Ask the kernel to drop the open file's bytes ``[start, stop)`` (``stop=None``: to its end) from
    the page cache — its clean pages: flushed ones (see :func:`flush_and_drop`). ``start`` is taken
    down to its page, which a previous range that ended inside it left cached. Nothing happens where
    ``posix_fadvise`` does not exist."""
    start -= start % mmap.PAGESIZE
    if (stop is None or stop > start) and hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, start, 0 if stop is None else stop - start, os.POSIX_FADV_DONTNEED)


#: random bytes in a private temp name (hex: twice as many characters)
_TEMP_TOKEN_BYTES = 6


def private_temp_name(target: Path, suffix: str) -> Path:
    """A name beside ``target`` that only this call will use: ``.<name>.<random><suffix>``.

    The random part makes the name ours to remove later (nobody else writes ``.<name>.<hex>.part``),
    so a failed write can delete it without touching anything it did not create.
    """
    return target.with_name(f".{target.name}.{secrets.token_hex(_TEMP_TOKEN_BYTES)}{suffix}")


def is_private_temp_name(name: str, suffix: str, *, token_lengths: tuple[int, ...] = (2 * _TEMP_TOKEN_BYTES,)) -> bool:
    """Whether ``name`` has the shape :func:`private_temp_name` gives (``.<name>.<12 hex><suffix>``):
    a file only this code names so, safe to remove once no writer can still own it.

    ``token_lengths`` admits the shorter tokens older releases wrote (the reference tables' export
    before session 27 used 8 hex digits), so their leftovers are still recognized as ours."""
    head, dot, token = name.removesuffix(suffix).rpartition(".")
    return (
        name.endswith(suffix)
        and head.startswith(".")
        and len(head) > 1
        and bool(dot)
        and len(token) in token_lengths
        and all(c in "0123456789abcdef" for c in token)
    )


def _create_exclusive(target: Path) -> tuple[int, Path]:
    # O_EXCL with mode 0o666: the kernel applies the process umask, so finished files get the mode
    # the user expects (tempfile.mkstemp would force 0600 on every file we write).
    for _ in range(100):
        tmp = private_temp_name(target, ".part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {target}")


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[bytes]]:
    """Yield a handle to a temp file beside ``path``; on clean exit fsync it and rename it into place.

    On any exception the temp file is removed and ``path`` is untouched. The file gets the mode a
    plain ``open(path, "w")`` would give it (0666 less the umask).
    """
    if mode not in {"wb", "w"}:
        raise ValueError("atomic_write supports 'wb' and 'w'")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_exclusive(target)
    handle: IO[bytes] = os.fdopen(fd, "wb")
    try:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        tmp.replace(target)
        fsync_dir(target.parent)
    except BaseException:
        handle.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def is_gzip(head: bytes) -> bool:
    return head[:2] == GZIP_MAGIC


class BoundedReader(io.RawIOBase):
    """A decompressed stream that refuses to grow past a byte cap or a compression ratio."""

    def __init__(
        self,
        inner: BinaryIO,
        raw: BinaryIO,
        *,
        name: str,
        max_bytes: int = DEFAULT_MAX_DECOMPRESSED,
        max_ratio: float = DEFAULT_MAX_RATIO,
    ) -> None:
        super().__init__()
        self._inner = inner
        self._raw = raw  # the compressed file, to measure how much of it we consumed
        self._name = name
        self._max_bytes = max_bytes
        self._max_ratio = max_ratio
        self.produced = 0
        self._next_ratio_check = 0
        #: where to record this file's identity once it is read to its end (recording_whole_reads)
        self._witness = _whole_reads.get()
        self._identity: FileIdentity | None = None
        if self._witness is not None:
            with contextlib.suppress(OSError, io.UnsupportedOperation):  # not a file on disk: nothing to record
                self._identity = file_identity(os.fstat(raw.fileno()))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        # straight into the caller's buffer (read() and a copy moved every byte twice); every inner
        # stream is a buffered decompressor (gzip / ISA-L / bz2 / lzma / zip member)
        with self._stream_errors():
            n = cast(io.BufferedIOBase, self._inner).readinto(buffer)
        return self._took(n, ended=n == 0 and len(buffer) > 0)

    def read_block(self) -> bytes:
        """The next block of inflated bytes as the inflating thread produced it, without a copy
        (``b""`` at the end); only over an :class:`~rnacorpus.inflated_blocks.InflatingThread`
        (``open_maybe_gzip(threaded=True)``). The same limits and errors as :meth:`readinto`."""
        with self._stream_errors():
            block = cast("InflatingThread", self._inner).read_block()
        self._took(len(block), ended=not block)
        return block

    @contextlib.contextmanager
    def _stream_errors(self) -> Iterator[None]:
        try:
            yield
        except EOFError as exc:
            raise TruncatedError(f"gzip stream ends early ({exc})", path=self._name) from exc
        except GZIP_ERRORS as exc:
            raise TruncatedError(f"gzip stream is corrupt ({exc})", path=self._name) from exc

    def _took(self, n: int, *, ended: bool) -> int:
        if ended and self._identity is not None and self._witness is not None:
            self._witness.add(self._identity)  # the inner reader checked the last member's trailer
        self.produced += n
        self._check()
        return n

    def _check(self) -> None:
        if self.produced > self._max_bytes:
            raise LimitExceededError(
                f"decompressed size passed the limit of {self._max_bytes:,} bytes (possible gzip bomb)",
                path=self._name,
            )
        if self.produced > RATIO_GRACE_BYTES and self.produced >= self._next_ratio_check:
            # every few MiB, not every read: tell() waits for the lock of a file that ISA-L's reader
            # thread is reading (0.5 s per GB), and a bomb gains at most that much before it is seen
            self._next_ratio_check = self.produced + _RATIO_CHECK_EVERY
            consumed = max(self._raw.tell(), 1)
            if self.produced / consumed > self._max_ratio:
                raise LimitExceededError(
                    f"compression ratio above {self._max_ratio:.0f}:1 (possible gzip bomb)", path=self._name
                )

    def close(self) -> None:
        try:
            self._inner.close()
            self._raw.close()
        finally:
            super().close()


def open_maybe_gzip(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_DECOMPRESSED,
    max_ratio: float = DEFAULT_MAX_RATIO,
    threaded: bool = False,
) -> BinaryIO:
    """Open ``path`` for binary reading, transparently decompressing gzip (by content, not name).

    ``threaded``: decompress in a background thread (ISA-L's, outside the GIL), so that a reader
    that parses what it reads uses a second core; errors surface on ``read`` as without it. The
    threaded stream is the :class:`BoundedReader` itself, unbuffered: its
    :meth:`~BoundedReader.read_block` hands the inflated blocks over without a copy, and a
    ``read(n)`` may return fewer than ``n`` bytes before the end (a raw stream's contract).
    """
    raw = Path(path).open("rb")  # noqa: SIM115 - ownership passes to the returned reader
    head = raw.read(2)
    raw.seek(0)
    if not is_gzip(head):
        return raw
    inner: BinaryIO
    if threaded and _fast_gzip is not None and _inflating_thread is not None:
        blocks = cast(BinaryIO, _inflating_thread(raw))
        return cast(BinaryIO, BoundedReader(blocks, raw, name=str(path), max_bytes=max_bytes, max_ratio=max_ratio))
    if threaded and _fast_gzip is not None:
        from isal import igzip_threaded

        inner = cast(BinaryIO, igzip_threaded.open(raw, "rb", threads=1))  # type: ignore[no-untyped-call]
    else:
        module = _fast_gzip if _fast_gzip is not None else gzip
        inner = cast(BinaryIO, module.GzipFile(fileobj=raw))
    bounded = BoundedReader(inner, raw, name=str(path), max_bytes=max_bytes, max_ratio=max_ratio)
    return cast(BinaryIO, io.BufferedReader(bounded, buffer_size=_CHUNK))


def open_text(
    path: str | os.PathLike[str],
    *,
    encoding: str = "utf-8",
    errors: str = "replace",
    max_bytes: int = DEFAULT_MAX_DECOMPRESSED,
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> IO[str]:
    """Text view of :func:`open_maybe_gzip`; a UTF-8 BOM is dropped, newlines are universal."""
    binary = open_maybe_gzip(path, max_bytes=max_bytes, max_ratio=max_ratio)
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    return io.TextIOWrapper(binary, encoding=enc, errors=errors, newline=None)
