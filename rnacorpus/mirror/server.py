"""The mirror's HTTP server: threaded, loopback by default, real HTTP semantics, quiet.

``MirrorServer(root)`` indexes ``root`` and serves it; as a context manager it runs in a daemon thread
and exposes ``.url``. Every answer carries Content-Type and Content-Length; files and generated
bodies carry ``ETag`` and ``Last-Modified`` and honour ``If-None-Match`` / ``If-Modified-Since`` with
304. Request lines are logged at DEBUG only.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from rnacorpus.errors import ConfigError
from rnacorpus.mirror.index import MirrorIndex
from rnacorpus.mirror.listing import not_found_page
from rnacorpus.mirror.responses import DerivedCache, Reply
from rnacorpus.mirror.routes import Router

__all__ = ["MirrorServer"]

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_FORM_BYTES = 1024**2
_CHUNK = 1 << 20


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address == "localhost"


def _params(query: str, form: str) -> dict[str, str]:
    """Query and form parameters with lower-case keys; repeated ``id`` values are joined with commas,
    repeated ``filter`` values (BioSamples: all must hold) with newlines."""
    params: dict[str, str] = {}
    joined = {"id": ",", "filter": "\n"}
    for key, value in (*parse_qsl(query, keep_blank_values=True), *parse_qsl(form, keep_blank_values=True)):
        key = key.lower()
        params[key] = f"{params[key]}{joined[key]}{value}" if key in joined and params.get(key) else value
    return params


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], router: Router, local_only: bool) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.router = router
        self.local_only = local_only
        super().__init__(address, _Handler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        # bound to loopback means loopback clients only, whatever the network does
        return not self.local_only or _is_loopback(str(client_address[0]))


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "rnacorpus-mirror"
    #: seconds an idle keep-alive connection may hold its thread
    timeout = 30

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_FORM_BYTES:
            self.close_connection = True
            self._send(Reply(413, body=b"request body too large or without a valid Content-Length\n"), True)
            return
        form = self.rfile.read(length).decode("utf-8", "replace")
        self._answer(send_body=True, form=form)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _answer(self, *, send_body: bool, form: str = "") -> None:
        split = urlsplit(self.path)
        try:
            reply = self.server.router.handle(unquote(split.path), _params(split.query, form))
        except Exception:
            logger.exception("mirror failed to answer %s", self.path)
            reply = Reply(500, "text/html; charset=utf-8", not_found_page(split.path).replace(b"Not Found", b"Error"))
        if self._not_modified(reply):
            reply = Reply(304, reply.content_type, etag=reply.etag, last_modified=reply.last_modified)
        self._send(reply, send_body)

    def _not_modified(self, reply: Reply) -> bool:
        if reply.status != 200:
            return False
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return reply.etag is not None and ("*" in tags or reply.etag in tags)
        since = self.headers.get("If-Modified-Since")
        if since is None or reply.last_modified is None:
            return False
        try:
            return int(reply.last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False

    def _send(self, reply: Reply, send_body: bool) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        if reply.status != 304:
            self.send_header("Content-Length", str(reply.content_length))
        if reply.etag:
            self.send_header("ETag", reply.etag)
        if reply.last_modified is not None:
            self.send_header("Last-Modified", formatdate(reply.last_modified, usegmt=True))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if not send_body or reply.status == 304:
            return
        try:
            if reply.file is not None and not reply.body:
                self._stream(reply.file, reply.content_length)
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _stream(self, path: Path, length: int) -> None:
        """Exactly ``length`` bytes (what Content-Length promised), even if the file changes meanwhile."""
        left = length
        with path.open("rb") as handle:
            while left > 0:
                chunk = handle.read(min(_CHUNK, left))
                if not chunk:
                    self.close_connection = True  # the file shrank: the client must see a short read
                    return
                self.wfile.write(chunk)
                left -= len(chunk)


class MirrorServer:
    """Serve ``root`` under the archives' URL paths on ``host:port`` (port 0: any free port)."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        root = Path(root)
        if not root.is_dir():
            raise ConfigError(f"mirror folder does not exist or is not a folder: {root}")
        self.root = root.resolve()
        self.index = MirrorIndex(self.root)
        self._derived = DerivedCache()
        self.router = Router(self.index, self._derived)
        try:
            self._httpd = _HTTPServer((host, port), self.router, local_only=host in LOOPBACK_HOSTS)
        except OSError as exc:
            self._derived.close()
            raise ConfigError(f"cannot listen on {host}:{port}: {exc}") from exc
        self.host = host
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> MirrorServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
            )
            self._thread.name = f"rnacorpus-mirror-{self.port}"
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` (from another thread) or KeyboardInterrupt."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._close()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._close()

    def _close(self) -> None:
        with contextlib.suppress(OSError):
            self._httpd.server_close()
        self._derived.close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
