"""The one exception tree of rnacorpus.

::

    RnacorpusError                 root; carries accession / url / path / line when known
    ├── TransientError             worth retrying later: the archive or the network hiccupped
    │   ├── NetworkError           connection reset, read timeout
    │   │   └── UnreachableError   connection refused, DNS failure, TLS failure: the host is not there
    │   ├── RateLimitedError       HTTP 429 (retry_after seconds when the server said)
    │   ├── ServerError            HTTP 5xx
    │   ├── HtmlPageError          an HTML page with status 200 where a file belongs (archive hiccup)
    │   └── TruncatedError         body shorter than announced, gzip stream cut short
    ├── EmptyExportError           an export's selection left no sample (says which step removed them)
    ├── PermanentError             retrying will not help; the study is quarantined, the run goes on
    │   ├── NotFoundError          HTTP 404 / 410
    │   ├── HttpStatusError        any other 4xx
    │   ├── BadContentError        HTML error page with status 200, wrong format, bad checksum
    │   ├── ParseError             malformed archive file (names file and line)
    │   ├── LimitExceededError     decompression bomb, oversized response
    │   ├── UnsafePathError        archive-provided name escaping its folder
    │   └── OfflineMiss            --offline and the cache does not hold the file
    ├── ArchiveDownError           an archive host (or the mirror) stopped answering: the run stops
    │                              early, quarantines nothing for it, and the next run retries
    └── ConfigError                the run cannot start (bad option, locked catalog, ...)
        └── LockedError            another refresh/harvest holds the catalog lock

Library code raises these and never prints or exits; the CLI maps them to exit codes (ConfigError and
ArchiveDownError: 2, "could not run").
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

__all__ = [
    "ArchiveDownError",
    "BadContentError",
    "ConfigError",
    "EmptyExportError",
    "HtmlPageError",
    "HttpStatusError",
    "LimitExceededError",
    "LockedError",
    "NetworkError",
    "NotFoundError",
    "OfflineMiss",
    "ParseError",
    "PermanentError",
    "RateLimitedError",
    "RnacorpusError",
    "ServerError",
    "TransientError",
    "TruncatedError",
    "UnreachableError",
    "UnsafePathError",
]


class RnacorpusError(Exception):
    """Root of every error rnacorpus raises on purpose."""

    #: short machine-readable name stored in the quarantine table
    kind: ClassVar[str] = "error"
    transient: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        accession: str | None = None,
        url: str | None = None,
        path: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.accession = accession
        self.url = url
        self.path = str(path) if path is not None else None
        self.line = line

    def with_context(
        self,
        *,
        accession: str | None = None,
        url: str | None = None,
        path: str | Path | None = None,
        line: int | None = None,
    ) -> RnacorpusError:
        """Fill in context that is missing; what the raiser already knew wins."""
        self.accession = self.accession or accession
        self.url = self.url or url
        if self.path is None and path is not None:
            self.path = str(path)
        if self.line is None:
            self.line = line
        return self

    def where(self) -> str:
        parts = []
        if self.accession:
            parts.append(self.accession)
        if self.path:
            parts.append(f"file {self.path}" + (f" line {self.line}" if self.line is not None else ""))
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.url and not self.path:
            parts.append(self.url)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class EmptyExportError(RnacorpusError):
    """Nothing to export: the message names the selection step that removed the last samples."""

    kind = "empty_export"


class TransientError(RnacorpusError):
    kind = "transient"
    transient = True


class NetworkError(TransientError):
    kind = "network"


class UnreachableError(NetworkError):
    """No connection could be made: refused, the name does not resolve, or the TLS handshake failed.

    Not retried request by request: the HTTP client's circuit breaker turns it into
    :class:`ArchiveDownError` at once, so a run does not spend its retry budget on every study."""

    kind = "unreachable"


class RateLimitedError(TransientError):
    kind = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **context: object) -> None:
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(TransientError):
    kind = "server_error"

    def __init__(self, message: str, *, status: int, retry_after: float | None = None, **context: object):
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.status = status
        self.retry_after = retry_after


class TruncatedError(TransientError):
    kind = "truncated"


class HtmlPageError(TransientError):
    """An HTML page served with status 200 where a file belongs. Archives serve these during hiccups
    (maintenance and proxy pages), so it is retried like a 5xx; only a page that persists through the
    retry budget quarantines its study. A body that is valid but of the wrong format stays a
    :class:`BadContentError` (permanent)."""

    kind = "html_page"


class PermanentError(RnacorpusError):
    kind = "permanent"


class NotFoundError(PermanentError):
    kind = "not_found"


class HttpStatusError(PermanentError):
    kind = "http_status"

    def __init__(self, message: str, *, status: int, **context: object) -> None:
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.status = status


class BadContentError(PermanentError):
    kind = "bad_content"


class ParseError(PermanentError):
    kind = "parse_error"


class LimitExceededError(PermanentError):
    kind = "limit_exceeded"


class UnsafePathError(PermanentError):
    kind = "unsafe_path"


class OfflineMiss(PermanentError):
    kind = "offline_miss"


class ArchiveDownError(RnacorpusError):
    """An archive host (or the mirror standing in for it) stopped answering; the run stops early.

    Raised by the HTTP client's circuit breaker (:mod:`rnacorpus.harvester.breaker`) for every request
    once it has tripped. Not a study's fault: the studies it interrupted are not quarantined, and the
    next run simply tries again.
    """

    kind = "archive_down"

    def __init__(self, message: str, *, host: str, **context: object) -> None:
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.host = host


class ConfigError(RnacorpusError):
    kind = "config"


class LockedError(ConfigError):
    kind = "locked"
