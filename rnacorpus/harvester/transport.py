"""The transport seam: one request in, one streamable response out.

A transport only moves bytes. Routing, rate limits, retries, response checks and the cache live in
:class:`rnacorpus.harvester.http.HttpClient`, so swapping the network for a function changes no client
logic (the httpx ``handle_request`` idea). Transports raise only :mod:`rnacorpus.errors` classes:

* failing to connect, or a timeout before the status line → :class:`~rnacorpus.errors.NetworkError`
* the connection dying while the body streams → :class:`~rnacorpus.errors.TruncatedError` (fewer bytes
  than announced) or :class:`~rnacorpus.errors.NetworkError` (reset, read timeout)

Nothing here knows about ``requests``; :mod:`rnacorpus.harvester.requests_transport` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol, runtime_checkable

__all__ = [
    "DEFAULT_CHUNK",
    "BytesBody",
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "MockTransport",
    "ResponseBody",
    "Transport",
]

DEFAULT_CHUNK = 1 << 20


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive header mapping (HTTP header names are case-insensitive)."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: dict[str, tuple[str, str]] = {name.lower(): (name, value) for name, value in pairs}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    #: (connect, read) seconds; read is the longest silence allowed, not the whole download
    timeout: tuple[float, float] = (10.0, 60.0)
    #: False keeps the bytes exactly as sent (``Content-Encoding`` not undone), which is what the raw
    #: cache stores; True undoes ``Content-Encoding`` for small in-memory answers.
    decode_content: bool = True


@runtime_checkable
class ResponseBody(Protocol):
    """A body that is read once, in chunks, and counts the bytes that crossed the wire."""

    @property
    def wire_bytes(self) -> int: ...

    def chunks(self, size: int) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class BytesBody:
    """A body made of bytes already in memory (or an iterable of chunks), for tests and fakes."""

    def __init__(self, data: bytes | Iterable[bytes] = b"") -> None:
        self._parts: Iterable[bytes] = [data] if isinstance(data, bytes) else data
        self._wire = 0
        self._closed = False

    @property
    def wire_bytes(self) -> int:
        return self._wire

    def chunks(self, size: int) -> Iterator[bytes]:
        for part in self._parts:
            for start in range(0, len(part), size):
                piece = part[start : start + size]
                self._wire += len(piece)
                yield piece

    def close(self) -> None:
        self._closed = True


class HttpResponse:
    """Status, headers and a streamable body. Close it (or use ``with``) to release the connection."""

    def __init__(
        self,
        status: int,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: ResponseBody | bytes = b"",
        *,
        url: str = "",
    ) -> None:
        self.status = status
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.body: ResponseBody = BytesBody(body) if isinstance(body, bytes) else body
        self.url = url

    @property
    def wire_bytes(self) -> int:
        """Bytes received so far, before any content decoding (what ``Content-Length`` counts)."""
        return self.body.wire_bytes

    @property
    def content_length(self) -> int | None:
        raw = self.headers.get("Content-Length")
        if raw is None or not raw.strip().isdigit():
            return None
        return int(raw.strip())

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")

    def iter_bytes(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[bytes]:
        return self.body.chunks(chunk_size)

    def read_prefix(self, limit: int) -> bytes:
        """Up to ``limit`` bytes of the body (for error messages); the rest is left unread."""
        collected = bytearray()
        for chunk in self.iter_bytes(min(limit, DEFAULT_CHUNK) or 1):
            collected += chunk
            if len(collected) >= limit:
                break
        return bytes(collected[:limit])

    def close(self) -> None:
        self.body.close()

    def __enter__(self) -> HttpResponse:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HttpResponse({self.status}, url={self.url!r})"


class Transport(Protocol):
    """Sends one request; retries, routing and checks are the client's job."""

    def send(self, request: HttpRequest) -> HttpResponse: ...

    def close(self) -> None: ...


class MockTransport:
    """A transport backed by a plain function, for unit tests: route on ``request.url`` inside it.

    The handler may also raise :mod:`rnacorpus.errors` transport errors to simulate a dead network.
    """

    def __init__(self, handler: Callable[[HttpRequest], HttpResponse]) -> None:
        self._handler = handler
        self.requests: list[HttpRequest] = []
        self.closed = False

    def send(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        response = self._handler(request)
        if not response.url:
            response.url = request.url
        return response

    def close(self) -> None:
        self.closed = True
