"""Opening what authors deposit: compressed files and archives, with the same limits everywhere.

Supplementary files come as plain text, ``.gz``, ``.bz2``, ``.xz``, ``.zip`` and as tar archives
(GEO's ``GSE…_RAW.tar`` of per-sample files, or an author's ``counts.tar.gz``). Every path here
decompresses in a stream under one byte cap and one compression-ratio cap (the gzip bomb rule of
:mod:`rnacorpus.fileio`, applied to bz2/xz/zip/tar members too), reads archive members in place
(nothing is written under a name an archive chose), and admits only regular members whose names
reduce to a safe base name (ARCHIVES §8: no ``..``, no absolute paths, no links, no devices).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import re
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import IO, BinaryIO, cast

from rnacorpus.errors import BadContentError, LimitExceededError, UnsafePathError
from rnacorpus.fileio import DEFAULT_MAX_DECOMPRESSED, DEFAULT_MAX_RATIO, GZIP_MAGIC, BoundedReader

_gzip_module: ModuleType = gzip
try:  # ISA-L inflates ~3x faster than zlib (as fileio uses it)
    from isal import igzip

    _gzip_module = igzip
except ImportError:  # pragma: no cover - isal is a declared dependency
    pass

__all__ = [
    "ArchiveMember",
    "SupplLimits",
    "check_zip_member",
    "compression_of",
    "iter_archive_members",
    "open_decompressed",
    "safe_name",
    "spool",
]

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+,=-]*$")
_BZ2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_ZIP_MAGIC = b"PK\x03\x04"
#: members up to this size stay in memory while they are read; larger ones spill to a temp file
_SPOOL_IN_MEMORY = 64 * 1024**2
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SupplLimits:
    """Caps for one supplementary file (and for all members of one archive together)."""

    #: decompressed bytes one file or one archive member may produce
    max_bytes: int = DEFAULT_MAX_DECOMPRESSED
    #: compression ratio past which a stream is a bomb (after ``fileio.RATIO_GRACE_BYTES``)
    max_ratio: float = DEFAULT_MAX_RATIO
    #: members read from one archive, and their decompressed bytes together
    max_members: int = 10_000
    max_archive_bytes: int = DEFAULT_MAX_DECOMPRESSED


def safe_name(name: str) -> str:
    """An archive-provided file name reduced to its base name, or :class:`UnsafePathError`.

    ``GSM1_a.txt.gz`` passes; ``../x``, ``/etc/passwd``, ``a/../../b`` and names with control
    characters or leading dots are refused (a tar member ``sub/GSM1.txt`` is read as ``GSM1.txt``).
    """
    if "\x00" in name or "\\" in name:
        raise UnsafePathError(f"unsafe file name {name!r} in an archive")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts:
        raise UnsafePathError(f"archive member {name!r} escapes its folder")
    base = PurePosixPath(name).name
    if not _SAFE_NAME.match(base):
        raise UnsafePathError(f"archive member name {name!r} is not a plain file name")
    return base


def compression_of(head: bytes) -> str | None:
    """``gzip``, ``bz2``, ``xz`` or ``zip`` from the first bytes (never from the name); None for plain."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(_BZ2_MAGIC):
        return "bz2"
    if head.startswith(_XZ_MAGIC):
        return "xz"
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    return None


def _bounded(inner: BinaryIO, raw: BinaryIO, name: str, limits: SupplLimits) -> BinaryIO:
    reader = BoundedReader(inner, raw, name=name, max_bytes=limits.max_bytes, max_ratio=limits.max_ratio)
    return cast(BinaryIO, io.BufferedReader(reader, buffer_size=_CHUNK))


def open_decompressed(
    source: str | Path | IO[bytes], *, name: str | None = None, limits: SupplLimits | None = None
) -> BinaryIO:
    """``source`` (a path or a seekable byte stream) decompressed: gzip, bz2, xz or a one-member zip.

    A zip holding several members is not one file: :func:`iter_archive_members` reads it. A stream
    passed in is owned by the returned reader from then on.
    """
    limits = limits or SupplLimits()
    if isinstance(source, str | Path):
        label = name or Path(source).name
        raw: BinaryIO = Path(source).open("rb")  # noqa: SIM115 - the returned reader owns it
    else:
        label = name or "stream"
        raw = cast(BinaryIO, source)
    try:
        kind = compression_of(raw.read(8))
        raw.seek(0)
        if kind is None:
            return raw
        inner: BinaryIO
        if kind == "gzip":
            inner = cast(BinaryIO, _gzip_module.GzipFile(fileobj=raw, mode="rb"))
        elif kind == "bz2":
            inner = cast(BinaryIO, bz2.BZ2File(raw))
        elif kind == "xz":
            inner = cast(BinaryIO, lzma.LZMAFile(raw))  # noqa: SIM115 - the returned reader owns it
        else:
            archive = zipfile.ZipFile(raw)
            members = [info for info in archive.infolist() if not info.is_dir()]
            if len(members) != 1:
                raise BadContentError(f"zip archive holds {len(members)} files, expected one", path=label)
            check_zip_member(members[0], label, limits)
            inner = cast(BinaryIO, archive.open(members[0]))
        return _bounded(inner, raw, label, limits)
    except zipfile.BadZipFile as exc:
        raw.close()
        raise BadContentError(f"not a readable zip archive ({exc})", path=label) from exc
    except BaseException:
        raw.close()
        raise


def check_zip_member(info: zipfile.ZipInfo, archive: str, limits: SupplLimits) -> None:
    """The central directory's own sizes, checked before inflating (the stream is bounded anyway)."""
    if info.file_size > limits.max_bytes:
        raise LimitExceededError(
            f"zip member {info.filename!r} declares {info.file_size:,} bytes, above the limit of "
            f"{limits.max_bytes:,} (possible zip bomb)",
            path=archive,
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1024**2 and ratio > limits.max_ratio:
        raise LimitExceededError(
            f"zip member {info.filename!r} inflates {ratio:.0f}:1, above {limits.max_ratio:.0f}:1 (possible zip bomb)",
            path=archive,
        )


@dataclass
class ArchiveMember:
    """One regular member of an archive, read into a seekable spool (memory, or a temp file if large)."""

    name: str  # safe base name
    member: str  # the name as the archive lists it
    data: IO[bytes]
    size: int


def spool(stream: BinaryIO, *, name: str, limit: int) -> IO[bytes]:
    """Copy ``stream`` into a seekable temp spool, refusing more than ``limit`` bytes."""
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - returned
    total = 0
    try:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            total += len(chunk)
            if total > limit:
                raise LimitExceededError(f"{name}: more than {limit:,} bytes (possible archive bomb)")
            out.write(chunk)
        out.seek(0)
        return out
    except BaseException:
        out.close()
        raise


def iter_archive_members(
    path: str | Path,
    *,
    name: str | None = None,
    wanted: object = None,
    limits: SupplLimits | None = None,
) -> Iterator[ArchiveMember]:
    """Regular members of a tar (plain, gz, bz2, xz) or zip archive, in archive order.

    ``wanted`` (a callable taking the safe base name) chooses which members are read; others are
    skipped without being inflated. Links, devices, folders and unsafe names are refused with
    :class:`UnsafePathError` — an archive that carries them is not one GEO or an author made for data.
    The caller closes each member's ``data``.
    """
    limits = limits or SupplLimits()
    label = name or Path(path).name
    choose = wanted if callable(wanted) else (lambda _name: True)
    with Path(path).open("rb") as probe:
        kind = compression_of(probe.read(8))
    if kind == "zip":
        yield from _zip_members(path, label, choose, limits)
        return
    stream = open_decompressed(path, name=label, limits=limits)
    with contextlib.closing(stream):
        try:
            archive = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115 - closed with the stream
        except tarfile.TarError as exc:
            raise BadContentError(f"not a tar archive ({exc})", path=label) from exc
        yield from _tar_members(archive, label, choose, limits)


def _tar_members(archive: tarfile.TarFile, label: str, choose: object, limits: SupplLimits) -> Iterator[ArchiveMember]:
    seen = total = 0
    try:
        for info in archive:
            if info.isdir():
                continue
            if not info.isfile():
                raise UnsafePathError(f"tar member {info.name!r} is a link or device, not a file", path=label)
            base = safe_name(info.name)
            seen += 1
            if seen > limits.max_members:
                raise LimitExceededError(f"more than {limits.max_members:,} members in one archive", path=label)
            if info.size > limits.max_bytes:
                raise LimitExceededError(
                    f"tar member {info.name!r} is {info.size:,} bytes, above the limit of {limits.max_bytes:,}",
                    path=label,
                )
            if not callable(choose) or not choose(base):
                continue
            total += info.size
            if total > limits.max_archive_bytes:
                raise LimitExceededError(
                    f"archive members add up to more than {limits.max_archive_bytes:,} bytes", path=label
                )
            handle = archive.extractfile(info)
            if handle is None:  # pragma: no cover - isfile() members always have data
                continue
            data = spool(cast(BinaryIO, handle), name=f"{label}:{info.name}", limit=limits.max_bytes)
            yield ArchiveMember(base, info.name, data, info.size)
    except tarfile.TarError as exc:
        raise BadContentError(f"tar archive is damaged ({exc})", path=label) from exc


def _zip_members(path: str | Path, label: str, choose: object, limits: SupplLimits) -> Iterator[ArchiveMember]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BadContentError(f"not a zip archive ({exc})", path=label) from exc
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.max_members:
            raise LimitExceededError(f"more than {limits.max_members:,} members in one archive", path=label)
        total = 0
        for info in members:
            base = safe_name(info.filename)
            if not callable(choose) or not choose(base):
                continue
            check_zip_member(info, label, limits)
            total += info.file_size
            if total > limits.max_archive_bytes:
                raise LimitExceededError(
                    f"archive members add up to more than {limits.max_archive_bytes:,} bytes", path=label
                )
            with archive.open(info) as handle:
                data = spool(cast(BinaryIO, handle), name=f"{label}:{info.filename}", limit=limits.max_bytes)
            yield ArchiveMember(base, info.filename, data, info.file_size)
