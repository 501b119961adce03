"""The local mirror with faults injected per URL: real archive files, served badly on purpose.

:class:`FaultMirror` is a :class:`~rnacorpus.mirror.MirrorServer` (same folder index, same
routes, same URL paths as GEO) whose request handler first looks for a script of :class:`Fault`
values for the request's path. Each request to a scripted path takes the next fault (the last one
repeats); :data:`PASS` serves the real answer. Faults that damage a body damage the *real* body the
mirror would have sent, so a truncated family SOFT is a prefix of the real family SOFT::

    with FaultMirror(folder) as mirror:
        mirror.script(soft_path("GSE1299"), Fault.server_error(503), Fault.server_error(503), PASS)
        harvest(["GSE1299"], config=mirror_config(tmp, mirror.url))
        assert mirror.count(soft_path("GSE1299")) == 3

Every request is logged (:attr:`FaultMirror.log`) with what was answered, so tests can count
downloads. :meth:`Fault.stall` sends part of the real body and then waits (bounded) for the test to
kill the client: the kill -9 harness uses it to stop a harvest in the middle of a download.
Loopback only; stalls wake up when the server stops.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.harvester.geo.urls import family_soft_url
from rnacorpus.mirror import MirrorServer
from rnacorpus.mirror.responses import Reply
from rnacorpus.mirror.server import _Handler, _params

__all__ = [
    "ESEARCH_PATH",
    "HTML_ERROR_PAGE",
    "PASS",
    "Fault",
    "FaultMirror",
    "Hit",
    "archive_of",
    "soft_path",
]

HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>"
    b"<body><h1>Sorry, the server is busy</h1><p>Please try again later.</p></body></html>\n"
)
#: the body NCBI sends with its 429s (biocommons/bioutils#16)
EUTILS_RATE_LIMIT = {"error": "API rate limit exceeded", "count": "5", "limit": "3"}
ESEARCH_ERROR = {"header": {"type": "esearch"}, "esearchresult": {"ERROR": "Invalid query syntax near ["}}
ESEARCH_PATH = "/entrez/eutils/esearch.fcgi"
#: longest a stalled answer waits for the test to kill the client or release it
MAX_STALL_SECONDS = 60.0

FaultKind = Literal["pass", "reply", "reset", "slow", "truncate", "cut_body", "stall"]


def archive_of(path: str) -> str:
    """Which archive (rate-limit key) a request path was addressed to — the mirror serves every host
    under its own paths: an EBI service by the longest base-URL path it starts with (``/ena/portal/api``
    …), E-utilities, www.ncbi (download page, acc.cgi), NCBI's FTP tree (``/geo/``), EBI's (``/pub/``)."""
    services = [(urlsplit(base).path, key) for key, base in ARCHIVE_HOSTS.items() if urlsplit(base).path]
    for prefix, key in sorted(services, key=lambda item: -len(item[0])):
        if path == prefix or path.startswith(prefix + "/"):
            return key
    if path.startswith("/entrez/eutils/"):
        return "eutils"
    if path.startswith(("/geo/download/", "/geo/query/", "/cgi-bin/")):
        return "ncbi_www"
    if path.startswith("/geo/"):
        return "ncbi_ftp"
    return "ebi_ftp" if path.startswith("/pub/") else "ebi"


def soft_path(accession: str) -> str:
    """URL path of a series' family SOFT, as the harvester asks for it."""
    return urlsplit(family_soft_url(accession)).path


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour; build with the constructors."""

    kind: FaultKind
    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"
    headers: tuple[tuple[str, str], ...] = ()
    #: seconds to wait before answering (``slow``)
    delay: float = 0.0
    #: share of the real body that is sent (``truncate``, ``cut_body``, ``stall``)
    fraction: float = 0.5
    label: str = ""

    # -- answers that replace the real one --------------------------------------------------------
    @classmethod
    def reply(cls, status: int, body: bytes, content_type: str, label: str, **kw: Any) -> Fault:
        return cls("reply", status=status, body=body, content_type=content_type, label=label, **kw)

    @classmethod
    def rate_limited(cls, retry_after: str | None = None) -> Fault:
        """HTTP 429 with NCBI's JSON body, with or without ``Retry-After``."""
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        body = json.dumps(EUTILS_RATE_LIMIT).encode()
        label = f"429 Retry-After {retry_after}" if retry_after is not None else "429"
        return cls.reply(429, body, "application/json", label, headers=headers)

    @classmethod
    def server_error(cls, status: int) -> Fault:
        return cls.reply(status, f"{status} upstream trouble\n".encode(), "text/plain", f"HTTP {status}")

    @classmethod
    def not_found(cls) -> Fault:
        return cls.reply(404, b"<html><body>Not Found</body></html>", "text/html", "HTTP 404")

    @classmethod
    def html_200(cls, *, labelled: bool = True) -> Fault:
        """An HTML error page served with status 200 (``labelled=False``: as octet-stream)."""
        kind = "text/html; charset=utf-8" if labelled else "application/octet-stream"
        return cls.reply(200, HTML_ERROR_PAGE, kind, "HTML 200" + ("" if labelled else " unlabelled"))

    @classmethod
    def payload(cls, data: bytes, label: str, content_type: str = "application/x-gzip") -> Fault:
        """Status 200 with these bytes instead of the real file (bombs, wrong formats, JSON errors)."""
        return cls.reply(200, data, content_type, label)

    @classmethod
    def wrong_format_gzip(cls) -> Fault:
        """A valid gzip stream of a TSV where a SOFT file belongs."""
        return cls.payload(gzip.compress(b"GeneID\tGSM1\tGSM2\n1\t5\t7\n", mtime=0), "gzip of a TSV")

    @classmethod
    def eutils_rate_limit_200(cls) -> Fault:
        return cls.payload(json.dumps(EUTILS_RATE_LIMIT).encode(), "E-utilities rate-limit object", "application/json")

    @classmethod
    def esearch_error(cls) -> Fault:
        return cls.payload(json.dumps(ESEARCH_ERROR).encode(), "esearch ERROR object", "application/json")

    # -- the real answer, damaged -----------------------------------------------------------------
    @classmethod
    def reset(cls) -> Fault:
        return cls("reset", label="connection reset")

    @classmethod
    def slow(cls, delay: float) -> Fault:
        """Silence for ``delay`` seconds (longer than the client's read timeout), then the real answer."""
        return cls("slow", delay=delay, label=f"slow {delay}s")

    @classmethod
    def truncated(cls, fraction: float = 0.5) -> Fault:
        """Content-Length of the real body, only ``fraction`` of it sent, then the connection closes."""
        return cls("truncate", fraction=fraction, label="truncated body")

    @classmethod
    def cut_gzip(cls, fraction: float = 0.5) -> Fault:
        """A complete HTTP answer whose gzip stream is cut short (the file on the server is broken)."""
        return cls("cut_body", fraction=fraction, label="truncated gzip stream")

    @classmethod
    def stall(cls, fraction: float = 0.5) -> Fault:
        """Send ``fraction`` of the real body, then hang until released, stopped or killed."""
        return cls("stall", fraction=fraction, label="stall mid-body")


#: serve the real answer
PASS = Fault("pass", label="pass")


@dataclass(frozen=True)
class Hit:
    path: str
    query: str
    #: status sent, or the fault's label
    answer: str
    #: True when a complete 200 body of the real file went out
    served_whole: bool
    #: time.monotonic() when the request arrived
    at: float


@dataclass
class _Script:
    faults: list[Fault]
    used: int = 0

    def next(self) -> Fault:
        fault = self.faults[min(self.used, len(self.faults) - 1)]
        self.used += 1
        return fault


@dataclass
class _State:
    scripts: dict[str, _Script] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    #: set by :meth:`FaultMirror.die`: connections still open are reset instead of answered
    dead: threading.Event = field(default_factory=threading.Event)
    #: set when a stall fault has sent its part of the body
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class _FaultHandler(_Handler):
    def _answer(self, *, send_body: bool, form: str = "") -> None:
        state: _State = self.server.fault_state  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        self._logged = False  # one log entry per request (a handler serves a whole keep-alive connection)
        if state.dead.is_set():  # a dead server answers nothing, even on a connection it had open
            self._record("dead", whole=False)
            self._reset()
            return
        with state.lock:
            script = state.scripts.get(self.path) or state.scripts.get(split.path)
            fault = script.next() if script is not None else PASS
        if fault.kind == "pass":
            super()._answer(send_body=send_body, form=form)
            return
        self._record(fault.label, whole=False)
        try:
            self._misbehave(fault, split.path, split.query, form, send_body, state)
        except (ConnectionError, OSError):
            self.close_connection = True  # the client gave up first (timeouts): part of the script

    def _misbehave(self, fault: Fault, path: str, query: str, form: str, send_body: bool, state: _State) -> None:
        if fault.kind == "reply":
            self._send_bytes(fault.status, fault.body, fault.content_type, fault.headers)
            return
        if fault.kind == "reset":
            self._reset()
            return
        if fault.kind == "slow":
            state.stopping.wait(fault.delay)
            super()._answer(send_body=send_body, form=form)
            return
        self._damaged(fault, self._real_body(path, query, form), state)

    def _send(self, reply: Reply, send_body: bool) -> None:
        # the normal path: log what went out, then send as the mirror does
        self._record(str(reply.status), whole=reply.status == 200 and send_body)
        super()._send(reply, send_body)

    def _record(self, answer: str, *, whole: bool) -> None:
        if getattr(self, "_logged", False):
            return
        self._logged = True
        state: _State = self.server.fault_state  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        with state.lock:
            state.log.append(Hit(unquote(split.path), split.query, answer, whole, time.monotonic()))

    def _real_body(self, path: str, query: str, form: str) -> bytes:
        reply = self.server.router.handle(unquote(path), _params(query, form))
        if reply.file is not None and not reply.body:
            return reply.file.read_bytes()[: reply.content_length]
        return reply.body

    def _damaged(self, fault: Fault, real: bytes, state: _State) -> None:
        keep = int(len(real) * fault.fraction)
        if fault.kind == "cut_body":
            self._send_bytes(200, real[:keep], "application/x-gzip", ())
            return
        # truncate / stall: announce the whole body, send a part
        self.send_response(200)
        self.send_header("Content-Type", "application/x-gzip")
        self.send_header("Content-Length", str(len(real)))
        self.end_headers()
        self.wfile.write(real[:keep])
        self.wfile.flush()
        if fault.kind == "stall":
            state.stalled.set()
            # bounded: the test kills the client, releases us, or stops the server
            for _ in range(int(MAX_STALL_SECONDS * 10)):
                if state.release.is_set() or state.stopping.is_set():
                    break
                state.release.wait(0.1)
        self.close_connection = True

    def _send_bytes(self, status: int, body: bytes, content_type: str, headers: tuple[tuple[str, str], ...]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP RST
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # after a reset the socket is gone
            super().finish()


class FaultMirror(MirrorServer):
    """A :class:`MirrorServer` over ``root`` whose answers can be scripted per path (or path?query)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._state = _State()
        self._httpd.RequestHandlerClass = _FaultHandler
        self._httpd.fault_state = self._state  # type: ignore[attr-defined]

    def script(self, target: str, *faults: Fault) -> None:
        """Answer requests to ``target`` (a path, or path?query) with ``faults`` in order, the last repeating."""
        if not faults:
            raise ValueError("give at least one Fault (PASS serves the real answer)")
        with self._state.lock:
            self._state.scripts[target] = _Script(list(faults))
            if any(fault.kind == "stall" for fault in faults):  # a new stall waits for a new release
                self._state.stalled.clear()
                self._state.release.clear()

    def clear(self) -> None:
        """Remove every fault: from now on the mirror serves the real files."""
        with self._state.lock:
            self._state.scripts.clear()

    @property
    def log(self) -> list[Hit]:
        with self._state.lock:
            return list(self._state.log)

    def times(self, target: str) -> list[float]:
        """Arrival times of the requests for ``target`` (a path, or path?query), any answer."""
        return [hit.at for hit in self.log if target in (hit.path, f"{hit.path}?{hit.query}")]

    def count(self, target: str) -> int:
        """Requests seen for ``target`` (a path, or path?query), any answer."""
        return len(self.times(target))

    def downloads(self) -> dict[str, int]:
        """How many times each URL (path?query) was served whole with status 200."""
        counts: dict[str, int] = {}
        for hit in self.log:
            if hit.served_whole:
                key = hit.path + (f"?{hit.query}" if hit.query else "")
                counts[key] = counts.get(key, 0) + 1
        return counts

    def reset_log(self) -> None:
        with self._state.lock:
            self._state.log.clear()

    def wait_stalled(self, timeout: float) -> bool:
        return self._state.stalled.wait(timeout)

    def release(self) -> None:
        self._state.release.set()

    def __enter__(self) -> FaultMirror:
        self.start()
        return self

    def die(self) -> None:
        """Go down as a crashed server does: no new connections (refused), open ones reset."""
        self._state.dead.set()
        self.stop()

    def stop(self) -> None:
        self._state.stopping.set()  # wake stalled and slow answers first
        super().stop()
