"""Incremental readers used by the response checks: a bounded gzip inflater and a tar header walker.

Both are fed chunk by chunk while a download streams to disk, so a multi-GB file is checked in the
same single pass that hashes and writes it, before it is renamed into the cache.
"""

from __future__ import annotations

import types
import zlib
from collections.abc import Callable
from typing import Any

from rnacorpus.errors import BadContentError, LimitExceededError, TruncatedError
from rnacorpus.fileio import GZIP_ERRORS, GZIP_MAGIC, RATIO_GRACE_BYTES

_zlib: types.ModuleType = zlib
try:  # ISA-L inflates ~3x faster than zlib and has the same decompressobj API
    from isal import isal_zlib

    _zlib = isal_zlib
except ImportError:  # pragma: no cover - isal is a declared dependency
    pass

__all__ = ["GzipInflater", "TarWalker"]

#: largest piece of inflated output produced per step, so a bomb never lands in memory at once
_OUT_STEP = 1 << 20
_BLOCK = 512
_GZIP_WBITS = 31  # 16 + MAX_WBITS: expect a gzip header and trailer


class GzipInflater:
    """Inflates a (possibly multi-member) gzip stream incrementally, passing output to ``sink``.

    Raises :class:`LimitExceededError` past ``max_bytes`` or ``max_ratio`` (after the grace size),
    :class:`TruncatedError` when the stream is corrupt or ends early (see :meth:`finish`).
    """

    def __init__(
        self, sink: Callable[[bytes], None], *, max_bytes: int, max_ratio: float, url: str | None = None
    ) -> None:
        self._sink = sink
        self._max_bytes = max_bytes
        self._max_ratio = max_ratio
        self._url = url
        self._inflater: Any = None
        self._between = b""  # bytes after one member ended, before we know what follows
        self.consumed = 0
        self.produced = 0
        self.members = 0

    def feed(self, data: bytes) -> None:
        self.consumed += len(data)
        pending = self._between + data
        self._between = b""
        while pending:
            if self._inflater is None:
                pending = self._start_member(pending)
                if not pending:
                    return
            pending = self._inflate(pending)

    def _start_member(self, data: bytes) -> bytes:
        if len(data) < len(GZIP_MAGIC) and GZIP_MAGIC.startswith(data):
            self._between = data  # wait for the rest of the magic
            return b""
        if data.startswith(GZIP_MAGIC):
            self._inflater = _zlib.decompressobj(wbits=_GZIP_WBITS)
            self.members += 1
            return data
        if not data.strip(b"\0"):  # tar-style zero padding after the last member is harmless
            return b""
        raise BadContentError("unexpected bytes after the end of the gzip stream", url=self._url)

    def _inflate(self, data: bytes) -> bytes:
        inflater = self._inflater
        while data:
            try:
                out = inflater.decompress(data, _OUT_STEP)
            except GZIP_ERRORS as exc:
                raise TruncatedError(f"gzip stream is corrupt ({exc})", url=self._url) from exc
            self._emit(out)
            if inflater.eof:
                self._inflater = None
                return bytes(inflater.unused_data)
            data = inflater.unconsumed_tail
        return b""

    def _emit(self, out: bytes) -> None:
        if not out:
            return
        self.produced += len(out)
        if self.produced > self._max_bytes:
            raise LimitExceededError(
                f"decompressed size passed the limit of {self._max_bytes:,} bytes (possible gzip bomb)",
                url=self._url,
            )
        if self.produced > RATIO_GRACE_BYTES and self.produced / max(self.consumed, 1) > self._max_ratio:
            raise LimitExceededError(
                f"compression ratio above {self._max_ratio:.0f}:1 (possible gzip bomb)", url=self._url
            )
        self._sink(out)

    def finish(self) -> None:
        if self._inflater is not None or self._between:
            raise TruncatedError(f"gzip stream ends early (after {self.consumed:,} compressed bytes)", url=self._url)
        if self.members == 0:
            raise BadContentError("not a gzip stream", url=self._url)


def _tar_number(field: bytes) -> int:
    if field[:1] and field[0] & 0x80:  # GNU base-256 for sizes past 8 GiB
        return int.from_bytes(field[1:], "big")
    text = field.split(b"\0", 1)[0].strip()
    return int(text, 8) if text else 0


def _tar_checksum_ok(block: bytes) -> bool:
    try:
        stored = _tar_number(block[148:156])
    except ValueError:
        return False
    unsigned = sum(block[:148]) + 8 * 0x20 + sum(block[156:])
    return stored == unsigned


class TarWalker:
    """Walks tar headers (ustar, GNU, pax) over a byte stream, skipping member data.

    Checks every header checksum and that the stream ends on the end-of-archive marker, which is
    what a cut download loses.
    """

    def __init__(self, *, url: str | None = None) -> None:
        self._url = url
        self._header = bytearray()
        self._skip = 0
        self._zero_blocks = 0
        self.ended = False
        self.members = 0

    def feed(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self.ended:
            if self._skip:
                step = min(self._skip, len(view))
                self._skip -= step
                view = view[step:]
                continue
            need = _BLOCK - len(self._header)
            self._header += view[:need]
            view = view[need:]
            if len(self._header) == _BLOCK:
                self._on_header(bytes(self._header))
                self._header.clear()

    def _on_header(self, block: bytes) -> None:
        if not block.strip(b"\0"):
            self._zero_blocks += 1
            self.ended = self._zero_blocks >= 2
            return
        if self._zero_blocks or not _tar_checksum_ok(block):
            raise BadContentError(f"not a tar archive (bad header after {self.members} members)", url=self._url)
        size = _tar_number(block[124:136])
        self._skip = -(-size // _BLOCK) * _BLOCK
        self.members += 1

    def finish(self) -> None:
        if self.members == 0 and not self.ended:
            raise BadContentError("not a tar archive (no member header)", url=self._url)
        if not self.ended:
            raise TruncatedError(
                f"tar archive ends early (after {self.members} members, no end-of-archive marker)",
                url=self._url,
            )
