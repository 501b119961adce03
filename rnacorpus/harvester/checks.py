"""Response checks: is this body what we asked for, and is all of it here?

Archives answer errors with status 200 (an HTML page, an E-utilities error object) and cut
transfers short; both must fail loudly here instead of landing in the cache. Each call names what
it expects (``expect=``):

==========  ==================================================================================
``gzip``    starts with the gzip magic and inflates to its end within the bomb limits
``soft``    after optional gzip, the first non-blank byte is ``^`` (prefix only)
``json``    parses; not an E-utilities error object (``{"error": …}``, ``esearchresult.ERROR``)
``xml``     parses with defusedxml (entity expansion and external entities rejected)
``tsv``     text: no NUL byte in the first 64 KiB
``text``    as ``tsv``
``tar``     after optional gzip, every tar header checksums and the end marker is present
``html``    anything (directory listings, the download page)
``any``     no content checks at all
==========  ==================================================================================

Every expectation except ``html``/``any`` rejects an HTML page (by ``Content-Type: text/html`` or a
body starting with ``<!DOCTYPE html``/``<html``), and every gzip body (whatever the expectation,
except ``any``) must inflate to its end. A cut stream is a :class:`TruncatedError` and an HTML page
an :class:`HtmlPageError` (both transient: archives serve maintenance and proxy pages with status 200
during hiccups, so the client retries them like a 5xx); content that is valid but of the wrong format
is a :class:`BadContentError` (permanent), a bomb a :class:`LimitExceededError`.

**Deferred inflation** (``defer_after``): for an expectation whose format check reads only the head
(:data:`DEFERRABLE`), a gzip body may be inflated only for its first ``defer_after`` raw bytes (the
HTML sniff, the format check and the bomb limits all run on that prefix); the rest is left to the
reader that inflates the whole file anyway (the parser), and the checker reports the body as not
:attr:`~StreamChecker.complete`. Whoever stores such a body records it as unverified
(:mod:`rnacorpus.harvester.deferred_check`), so inflating the body once serves both the check and
the parse.

The per-format validators (the table's second column) are :mod:`rnacorpus.harvester.body_checks`;
this module holds the limits, the HTML sniff and the streaming checker that runs them.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal, get_args

from rnacorpus.config import Config
from rnacorpus.errors import (
    BadContentError,
    HtmlPageError,
    TruncatedError,
)
from rnacorpus.fileio import DEFAULT_MAX_DECOMPRESSED, DEFAULT_MAX_RATIO, GZIP_MAGIC, open_maybe_gzip
from rnacorpus.harvester.body_checks import HEAD_BYTES, JsonBody, eutils_error, strip_leading, validator_for
from rnacorpus.harvester.streamcheck import GzipInflater

__all__ = [
    "DEFERRABLE",
    "EXPECTS",
    "CheckLimits",
    "Expect",
    "StreamChecker",
    "check_bytes",
    "check_content_type",
    "check_file",
    "eutils_error",
    "looks_like_html",
]

Expect = Literal["gzip", "soft", "json", "xml", "tsv", "html", "tar", "text", "any"]
EXPECTS: frozenset[str] = frozenset(get_args(Expect))

#: raw bytes looked at before deciding gzip-or-not, and meaningful bytes that settle the HTML sniff
_SNIFF_BYTES = 64
#: an empty body is never a valid one of these; archives serve empty pages transiently, so retry
_NON_EMPTY: frozenset[str] = frozenset({"gzip", "soft", "json", "xml", "tar"})
_HTML_OK: frozenset[str] = frozenset({"html", "any"})
#: expectations whose format check needs only a body's head: their gzip inflation may be deferred
DEFERRABLE: frozenset[str] = frozenset({"soft", "gzip", "tsv", "text"})
#: threads inflating gzip bodies beside the downloads that feed them (one chunk in flight per body)
_INFLATE_THREADS = 4
_inflate_pool: ThreadPoolExecutor | None = None
_inflate_pool_lock = threading.Lock()


def _inflate_executor() -> ThreadPoolExecutor:
    global _inflate_pool
    with _inflate_pool_lock:
        if _inflate_pool is None:
            _inflate_pool = ThreadPoolExecutor(_INFLATE_THREADS, thread_name_prefix="rnacorpus-gzip-check")
        return _inflate_pool


@dataclass(frozen=True)
class CheckLimits:
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED
    max_ratio: float = DEFAULT_MAX_RATIO
    #: JSON is parsed in memory; E-utilities pages are a few MB at most
    max_json_bytes: int = 256 * 1024**2

    @classmethod
    def from_config(cls, config: Config) -> CheckLimits:
        return cls(config.max_decompressed_bytes, config.max_compression_ratio)

    def open(self, path: str | os.PathLike[str], *, threaded: bool = False) -> BinaryIO:
        """``path`` opened for reading, gzip inflated (by content) under these limits
        (:func:`rnacorpus.fileio.open_maybe_gzip`): a stored body is read back as its check read it."""
        return open_maybe_gzip(path, max_bytes=self.max_decompressed_bytes, max_ratio=self.max_ratio, threaded=threaded)


def looks_like_html(head: bytes) -> bool:
    start = strip_leading(head)[:64].lower()
    return start.startswith((b"<!doctype html", b"<html"))


def check_content_type(content_type: str | None, expect: str, *, url: str | None = None) -> None:
    """Reject an HTML answer as soon as the headers arrive, before any body is read."""
    if expect in _HTML_OK or not content_type:
        return
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "text/html":
        raise HtmlPageError(f"expected {expect}, the server sent an HTML page (Content-Type {media})", url=url)


class StreamChecker:
    """Checks a body chunk by chunk (as it is written to disk); :meth:`finish` gives the verdict."""

    def __init__(
        self,
        expect: str,
        *,
        url: str | None = None,
        limits: CheckLimits | None = None,
        content_type: str | None = None,
        defer_after: int | None = None,
    ) -> None:
        if expect not in EXPECTS:
            raise ValueError(f"unknown expect={expect!r}; known: {', '.join(sorted(EXPECTS))}")
        self.expect = expect
        #: raw bytes of a gzip body inflated here before the rest is left to its reader (None: all)
        self._defer_after = defer_after if expect in DEFERRABLE else None
        self._inflated_raw = 0
        self._stopped = False
        self._url = url
        self._limits = limits or CheckLimits()
        check_content_type(content_type, expect, url=url)
        self._validator = validator_for(expect, url, max_json_bytes=self._limits.max_json_bytes)
        self._inflater: GzipInflater | None = None
        self._sniff = b""  # the first raw bytes, until we know whether the body is gzip
        self._sniffed = expect == "any"
        self._head = bytearray()  # first decoded bytes, for the HTML sniff
        self._held = bytearray()  # decoded bytes kept from the validator until the HTML sniff settles
        self._html_checked = expect in _HTML_OK
        #: the chunk being inflated in a worker thread (see :meth:`_route`)
        self._inflating: Future[None] | None = None
        self.raw_bytes = 0

    @property
    def json_value(self) -> Any:
        return self._validator.value if isinstance(self._validator, JsonBody) else None

    @property
    def is_gzip(self) -> bool:
        return self._inflater is not None

    @property
    def complete(self) -> bool:
        """False when a gzip body was inflated only for its prefix (``defer_after``): its end, CRC and
        length are still to be proven by a reader that inflates all of it."""
        return not self._stopped

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.raw_bytes += len(chunk)
        if self.expect == "any":
            return
        if not self._sniffed:
            self._sniff += chunk
            if len(self._sniff) < _SNIFF_BYTES:
                return
            chunk, self._sniff = self._sniff, b""
            self._start(chunk)
        self._route(chunk)

    def _route(self, chunk: bytes) -> None:
        if self._inflater is None:
            self._decoded(chunk)
            return
        if self._defer_after is not None:
            chunk = self._prefix_part(chunk)
        if chunk:
            # Inflating is the costly part of checking a gzip body (~0.9 s of CPU per GB of text with
            # ISA-L, which releases the GIL): it runs in a worker thread, one chunk at a time and in
            # order, while the caller receives, hashes and writes the next chunk. An error of chunk n
            # (corrupt, bomb, HTML inside) is raised by the feed of chunk n + 1 or by finish.
            self._wait_inflating()
            self._inflated_raw += len(chunk)
            self._inflating = _inflate_executor().submit(self._inflater.feed, chunk)

    def _prefix_part(self, chunk: bytes) -> bytes:
        """What of ``chunk`` is still inflated here when the inflation is deferred: up to the prefix
        size, and on past it only while the head has not settled the HTML and format checks."""
        if self._stopped:
            return b""
        room = self._defer_after - self._inflated_raw if self._defer_after is not None else len(chunk)
        if room > 0 and len(chunk) <= room:
            return chunk
        if room > 0:  # inflate the prefix's last part now, then judge whether the head has settled
            self._wait_inflating()
            self._inflated_raw += room
            assert self._inflater is not None
            self._inflater.feed(chunk[:room])
            chunk = chunk[room:]
        self._wait_inflating()
        inflater = self._inflater
        self._stopped = self._html_checked and inflater is not None and inflater.produced >= HEAD_BYTES
        return b"" if self._stopped else chunk

    def _wait_inflating(self) -> None:
        if self._inflating is not None:
            pending, self._inflating = self._inflating, None
            pending.result()

    def _start(self, head: bytes) -> None:
        self._sniffed = True
        if head.startswith(GZIP_MAGIC):
            self._inflater = GzipInflater(
                self._decoded,
                max_bytes=self._limits.max_decompressed_bytes,
                max_ratio=self._limits.max_ratio,
                url=self._url,
            )
        elif self.expect == "gzip":
            if looks_like_html(head):
                raise HtmlPageError("expected gzip, got an HTML page", url=self._url)
            raise BadContentError(f"expected gzip, got bytes starting {head[:16]!r}", url=self._url)

    def _decoded(self, data: bytes) -> None:
        if not self._html_checked:
            # HTML is judged first so an error page is reported as one, not as "bad SOFT"
            self._head += data[: HEAD_BYTES - len(self._head)]
            self._held += data
            self._check_html(final=False)
            if not self._html_checked:
                return
            data, self._held = bytes(self._held), bytearray()
        self._validator.feed(data)

    def _check_html(self, *, final: bool) -> None:
        start = strip_leading(bytes(self._head))
        if looks_like_html(start):
            raise HtmlPageError(f"expected {self.expect}, got an HTML page", url=self._url)
        # 64 meaningful bytes settle it; fewer may be the first part of "<!DOCTYPE html"
        self._html_checked = final or len(start) >= _SNIFF_BYTES or len(self._head) >= HEAD_BYTES

    def finish(self) -> None:
        if self.expect == "any":
            return
        if self.raw_bytes == 0:
            if self.expect in _NON_EMPTY:
                raise TruncatedError(f"empty body where {self.expect} was expected", url=self._url)
            return
        if not self._sniffed:  # a body shorter than the sniff window
            head, self._sniff = self._sniff, b""
            self._start(head)
            self._route(head)
        self._wait_inflating()
        if self._inflater is not None and not self._stopped:
            self._inflater.finish()
        if not self._html_checked:
            self._check_html(final=True)
            self._validator.feed(bytes(self._held))
            self._held = bytearray()
        self._validator.finish()


def check_bytes(
    data: bytes,
    expect: str,
    *,
    url: str | None = None,
    limits: CheckLimits | None = None,
    content_type: str | None = None,
) -> StreamChecker:
    """Check a body already in memory; returns the finished checker (``json_value`` for JSON)."""
    checker = StreamChecker(expect, url=url, limits=limits, content_type=content_type)
    step = 1 << 20
    for start in range(0, len(data), step):
        checker.feed(data[start : start + step])
    checker.finish()
    return checker


def check_file(path: Path, expect: str, *, url: str | None = None, limits: CheckLimits | None = None) -> StreamChecker:
    """Check a file on disk the same way a download is checked (used when a cached file is reused
    under a stricter expectation than the one it was fetched with)."""
    checker = StreamChecker(expect, url=url, limits=limits)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            checker.feed(chunk)
    checker.finish()
    return checker
