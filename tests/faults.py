"""A fault-injecting HTTP server on 127.0.0.1, plus a fake clock, for reliability tests.

The archives throttle, fail, cut transfers and answer errors with status 200; this server does all of
that on purpose, through the real socket stack, so the real transport is exercised::

    with FaultServer() as server:
        soft = gzip.compress(b"^SERIES = GSE1\\n")
        server.on("/geo/x.soft.gz", *burst(Reply.error(503), 2), Reply.ok(soft))
        client.fetch(server.url("/geo/x.soft.gz"), expect="soft")
        assert server.hits("/geo/x.soft.gz") == 3

Each path gets a script of :class:`Reply` values served in order; the last one repeats. Unknown
paths answer 404. Build replies with the ``Reply.*`` constructors, one per archive misbehaviour.
Plain ``http.server`` (not werkzeug) so a reply can lie about Content-Length, reset the socket or stall.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import socket
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rnacorpus.config import ARCHIVE_HOSTS, Config, RateLimit

__all__ = [
    "ESEARCH_ERROR",
    "EUTILS_RATE_LIMIT",
    "HTML_ERROR_PAGE",
    "FakeClock",
    "FaultServer",
    "MaxJitter",
    "Reply",
    "Seen",
    "burst",
    "quick_config",
    "text_payload",
]

#: the body NCBI sends with its 429s (biocommons/bioutils#16); the IP stands in for the key
EUTILS_RATE_LIMIT = {"error": "API rate limit exceeded", "api-key": "127.0.0.1", "count": "5", "limit": "3"}
#: an esearch failure reported inside a 200 answer
ESEARCH_ERROR = {
    "header": {"type": "esearch", "version": "0.3"},
    "esearchresult": {"ERROR": "Empty term and query_key - nothing todo"},
}
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>"
    b"<body><h1>Sorry, the server is busy</h1><p>Please try again later.</p></body></html>\n"
)


def text_payload(size: int, seed: int = 1) -> bytes:
    """Line-oriented text that compresses like real archive files (not absurdly well)."""
    rng = random.Random(seed)
    lines = []
    total = 0
    while total < size:
        line = f"ILMN_{rng.randrange(10**7)}\t{rng.random():.6f}\t{rng.choice('ACGT') * 8}\n"
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()[:size]


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Use the constructors; the fields are the knobs they turn."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = "application/octet-stream"
    #: seconds to stall before the status line (make it longer than the client's read timeout)
    delay: float = 0.0
    #: send only this many body bytes, announce the full length, then close: a cut transfer
    send_bytes: int | None = None
    #: answer nothing and reset the connection (TCP RST)
    reset: bool = False
    #: with these set, a matching If-None-Match / If-Modified-Since gets a 304
    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def ok(
        cls,
        body: bytes,
        *,
        content_type: str | None = "application/octet-stream",
        headers: Sequence[tuple[str, str]] = (),
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Reply:
        return cls(200, body, tuple(headers), content_type, etag=etag, last_modified=last_modified)

    @classmethod
    def json(cls, value: object, status: int = 200) -> Reply:
        return cls(status, json.dumps(value).encode(), content_type="application/json")

    @classmethod
    def error(cls, status: int, body: bytes = b"", headers: Sequence[tuple[str, str]] = ()) -> Reply:
        return cls(status, body, tuple(headers), "text/plain")

    @classmethod
    def rate_limited(cls, retry_after: str | None = None) -> Reply:
        """HTTP 429 with NCBI's JSON body, with or without ``Retry-After`` (seconds or HTTP date)."""
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        return cls(429, json.dumps(EUTILS_RATE_LIMIT).encode(), headers, "application/json")

    @classmethod
    def connection_reset(cls) -> Reply:
        return cls(reset=True)

    @classmethod
    def slow(cls, body: bytes, delay: float) -> Reply:
        return cls(200, body, delay=delay)

    @classmethod
    def truncated(cls, body: bytes, keep: int) -> Reply:
        """Content-Length says ``len(body)``, only ``keep`` bytes arrive before the connection closes."""
        return cls(200, body, send_bytes=keep)

    @classmethod
    def truncated_gzip(cls, payload: bytes | None = None, keep_fraction: float = 0.5) -> Reply:
        """A complete HTTP answer whose gzip stream is cut short (the file on the server is broken)."""
        data = gzip.compress(payload if payload is not None else text_payload(200_000))
        return cls(200, data[: int(len(data) * keep_fraction)], content_type="application/x-gzip")

    @classmethod
    def html_page(cls, status: int = 200, *, labelled: bool = True) -> Reply:
        """An HTML error page; ``labelled=False`` hides it behind a non-HTML Content-Type."""
        content_type = "text/html; charset=utf-8" if labelled else "application/octet-stream"
        return cls(status, HTML_ERROR_PAGE, content_type=content_type)

    @classmethod
    def wrong_format_gzip(cls, payload: bytes = b"GeneID\tGSM1\tGSM2\n1\t5\t7\n") -> Reply:
        """A valid gzip of something else (here a TSV where SOFT was expected)."""
        return cls(200, gzip.compress(payload), content_type="application/x-gzip")

    @classmethod
    def eutils_rate_limit_json(cls, status: int = 200) -> Reply:
        return cls.json(EUTILS_RATE_LIMIT, status)

    @classmethod
    def esearch_error(cls, status: int = 200) -> Reply:
        return cls.json(ESEARCH_ERROR, status)

    @classmethod
    def gzip_encoded(cls, payload: bytes, content_type: str = "text/plain") -> Reply:
        """``Content-Encoding: gzip`` with Content-Length = compressed size (GEOparse#80)."""
        return cls(200, gzip.compress(payload), (("Content-Encoding", "gzip"),), content_type)


def burst(reply: Reply, times: int) -> list[Reply]:
    return [reply] * times


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str] = field(default_factory=dict)
    #: the client's source port: equal ports mean a reused (pooled) connection
    client_port: int = 0

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        try:
            self.server.owner.answer(self)
        except (ConnectionError, OSError, ValueError):
            self.close_connection = True  # the client hung up (timeouts, resets): expected here

    def log_message(self, format: str, *args: object) -> None:
        pass

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            super().finish()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up mid-answer are part of the script


class FaultServer:
    """A scripted HTTP/1.1 server on 127.0.0.1 (random free port); use as a context manager."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._scripts: dict[str, list[Reply]] = {}
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # a short poll keeps shutdown() quick: tests start and stop one server each
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="fault-server", daemon=True
        )
        self.requests: list[Seen] = []

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def on(self, path: str, *replies: Reply) -> None:
        """Script ``path``: answer with ``replies`` in order, repeating the last one."""
        if not replies:
            raise ValueError("give at least one Reply")
        with self._lock:
            self._scripts[path] = list(replies)
            self._hits[path] = 0

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits.get(path, 0)

    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.requests if seen.path == path]

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes stalled replies
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- serving ------------------------------------------------------------------------------

    def _next_reply(self, handler: _Handler) -> Reply | None:
        parts = urlsplit(handler.path)
        seen = Seen(
            handler.command,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            dict(handler.headers.items()),
            handler.client_address[1],
        )
        with self._lock:
            self.requests.append(seen)
            script = self._scripts.get(parts.path)
            if script is None:
                return None
            index = self._hits[parts.path]
            self._hits[parts.path] = index + 1
            return script[min(index, len(script) - 1)]

    def answer(self, handler: _Handler) -> None:
        reply = self._next_reply(handler)
        if reply is None:
            reply = Reply.error(404, b"not found\n")
        if reply.delay:
            self._stopping.wait(reply.delay)
        if reply.reset:
            _reset(handler)
            return
        if _not_modified(handler, reply):
            handler.send_response(304)
            if reply.etag:
                handler.send_header("ETag", reply.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        _send(handler, reply)


def _not_modified(handler: _Handler, reply: Reply) -> bool:
    if reply.etag and handler.headers.get("If-None-Match") == reply.etag:
        return True
    return bool(reply.last_modified and handler.headers.get("If-Modified-Since") == reply.last_modified)


def _send(handler: _Handler, reply: Reply) -> None:
    handler.send_response(reply.status)
    if reply.content_type:
        handler.send_header("Content-Type", reply.content_type)
    for name, value in reply.headers:
        handler.send_header(name, value)
    if reply.etag:
        handler.send_header("ETag", reply.etag)
    if reply.last_modified:
        handler.send_header("Last-Modified", reply.last_modified)
    handler.send_header("Content-Length", str(len(reply.body)))
    handler.end_headers()
    body = reply.body if reply.send_bytes is None else reply.body[: reply.send_bytes]
    handler.wfile.write(body)
    if reply.send_bytes is not None:
        handler.wfile.flush()
        handler.close_connection = True  # the rest never comes


def _reset(handler: _Handler) -> None:
    # SO_LINGER with a zero timeout turns close() into a TCP RST
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


class FakeClock:
    """A clock for ``HttpClient(clock=..., sleep=...)``: sleeping only moves time and is recorded."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class MaxJitter(random.Random):
    """Jitter that always picks the top of the range, so backoff waits are exact in tests."""

    def uniform(self, a: float, b: float) -> float:
        return b


def quick_config(cache_dir: Path, **overrides: Any) -> Config:
    """A Config for tests: short timeouts, 3 attempts, rate limits too high to matter (tests that
    time the limiter pass ``rate_limits``), every archive keeping its real base URL."""
    values: dict[str, Any] = {
        "cache_dir": cache_dir,
        "connect_timeout": 2.0,
        "read_timeout": 0.25,
        "max_attempts": 3,
        "backoff_base": 1.0,
        "backoff_max": 60.0,
        "retry_budget": 300.0,
        "rate_limits": {archive: RateLimit(1e6, 1000) for archive in ARCHIVE_HOSTS},
    }
    values.update(overrides)
    return Config(**values)
