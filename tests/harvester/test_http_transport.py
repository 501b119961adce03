"""The transport seam: one method, a function-backed fake, and the one real transport over requests."""

from __future__ import annotations

import ast
import gzip
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

import rnacorpus
from rnacorpus.errors import TruncatedError, UnreachableError
from rnacorpus.harvester.requests_transport import RequestsTransport
from rnacorpus.harvester.transport import Headers, HttpRequest, HttpResponse, MockTransport
from tests.faults import FaultServer, Reply

PACKAGE = Path(rnacorpus.__file__).parent


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture
def transport() -> Iterator[RequestsTransport]:
    real = RequestsTransport()
    yield real
    real.close()


def test_only_the_requests_transport_imports_requests() -> None:
    importers = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "requests" or name.startswith("requests.") for name in names):
                importers.append(path.relative_to(PACKAGE).as_posix())
    assert sorted(set(importers)) == ["harvester/requests_transport.py"]


def test_headers_are_case_insensitive() -> None:
    headers = Headers([("Content-Type", "text/plain"), ("ETag", '"x"')])
    assert headers["content-type"] == "text/plain" and "etag" in headers and headers.get("ETAG") == '"x"'
    assert list(headers) == ["Content-Type", "ETag"]


def test_mock_transport_records_requests_and_streams_bodies() -> None:
    transport = MockTransport(lambda request: HttpResponse(200, {"Content-Length": "6"}, b"abcdef"))
    response = transport.send(HttpRequest("GET", "https://example.org/x"))
    assert b"".join(response.iter_bytes(4)) == b"abcdef" and response.wire_bytes == 6
    assert response.url == "https://example.org/x" and response.content_length == 6
    assert [r.url for r in transport.requests] == ["https://example.org/x"]


def test_real_transport_streams_and_counts_wire_bytes(server: FaultServer, transport: RequestsTransport) -> None:
    body = b"x" * 300_000
    server.on("/big", Reply.ok(body))
    with transport.send(HttpRequest("GET", server.url("/big"), timeout=(2, 2))) as response:
        chunks = list(response.iter_bytes(65_536))
        assert response.status == 200 and b"".join(chunks) == body
        assert response.wire_bytes == len(body) and max(len(c) for c in chunks) <= 65_536


def test_content_encoding_is_kept_or_undone_on_request(server: FaultServer, transport: RequestsTransport) -> None:
    text = b"GeneID\tGSM1\n" * 1000
    server.on("/enc", Reply.gzip_encoded(text))
    raw = HttpRequest("GET", server.url("/enc"), {"Accept-Encoding": "identity"}, decode_content=False)
    with transport.send(raw) as response:
        kept = b"".join(response.iter_bytes())
    # the body is the served gzip stream itself; compared by content, not against a second
    # gzip.compress(), whose header carries its own time stamp (the test failed across a second)
    assert kept[:2] == b"\x1f\x8b" and gzip.decompress(kept) == text
    with transport.send(HttpRequest("GET", server.url("/enc"))) as response:
        assert b"".join(response.iter_bytes()) == text
        assert response.wire_bytes == response.content_length == len(gzip.compress(text))


def test_short_body_is_a_truncated_error(server: FaultServer, transport: RequestsTransport) -> None:
    server.on("/cut", Reply.truncated(b"y" * 10_000, keep=1_000))
    with transport.send(HttpRequest("GET", server.url("/cut"))) as response, pytest.raises(TruncatedError):
        b"".join(response.iter_bytes())


def test_refused_connection_is_an_unreachable_network_error(transport: RequestsTransport) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(UnreachableError, match="connection refused"):
        transport.send(HttpRequest("GET", f"http://127.0.0.1:{port}/x?api_key=SECRET", timeout=(1, 1)))


def test_connections_are_reused(server: FaultServer, transport: RequestsTransport) -> None:
    server.on("/a", Reply.ok(b"1"))
    for _ in range(3):
        with transport.send(HttpRequest("GET", server.url("/a"))) as response:
            b"".join(response.iter_bytes())
    ports = {seen.client_port for seen in server.requests}
    assert len(server.requests) == 3 and len(ports) == 1


def test_tls_to_a_plain_http_port_is_an_unreachable_tls_failure(
    server: FaultServer, transport: RequestsTransport
) -> None:
    server.on("/x", Reply.ok(b"1"))
    https = server.url("/x").replace("http://", "https://")
    with pytest.raises(UnreachableError, match="TLS handshake failed"):
        transport.send(HttpRequest("GET", https, timeout=(2, 2)))
