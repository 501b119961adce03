"""Every archive misbehaviour in tests/faults.py, through the real RequestsTransport on loopback.

Requests name the real archive URLs; ``--mirror`` sends them to the fault server. Waits are
recorded by a fake clock (MaxJitter makes backoff exact), so only socket time is spent.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest

from rnacorpus.errors import (
    BadContentError,
    HtmlPageError,
    LimitExceededError,
    NetworkError,
    RateLimitedError,
    ServerError,
    TruncatedError,
)
from rnacorpus.harvester.http import NO_STORE, HttpClient
from tests.faults import FakeClock, FaultServer, MaxJitter, Reply, burst, quick_config

FTP = "https://ftp.ncbi.nlm.nih.gov"
SOFT_PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
ESEARCH_PATH = "/entrez/eutils/esearch.fcgi"
SOFT = b"^DATABASE = GeoMiame\n^SERIES = GSE1\n!Series_title = a study\n" * 200
SOFT_GZ = gzip.compress(SOFT)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_client(server: FaultServer, cache: Path, clock: FakeClock, **config: Any) -> HttpClient:
    settings = quick_config(cache, mirror=server.base_url, **config)
    return HttpClient(settings, None, clock, clock.sleep, rng=MaxJitter())


@pytest.fixture
def client(server: FaultServer, tmp_path: Path, clock: FakeClock) -> Iterator[HttpClient]:
    with make_client(server, tmp_path, clock) as made:
        yield made


def no_files_left(cache: Path) -> bool:
    return not [p for p in cache.rglob("*") if p.is_file()]


# -- throttling ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "expected_wait"), [("2", 2.0), (None, 1.0)], ids=["retry-after", "no-retry-after"]
)
def test_429_then_success(
    server: FaultServer, client: HttpClient, clock: FakeClock, retry_after: str | None, expected_wait: float
) -> None:
    server.on(SOFT_PATH, Reply.rate_limited(retry_after), Reply.ok(SOFT_GZ))
    cached = client.fetch(FTP + SOFT_PATH, expect="soft")
    assert cached.path.read_bytes() == SOFT_GZ
    assert server.hits(SOFT_PATH) == 2 and clock.sleeps == [expected_wait]


def test_429_with_an_http_date(server: FaultServer, client: HttpClient, clock: FakeClock) -> None:
    server.on(SOFT_PATH, Reply.rate_limited(formatdate(clock.now + 12, usegmt=True)), Reply.ok(SOFT_GZ))
    client.fetch(FTP + SOFT_PATH, expect="soft")
    assert clock.sleeps == [12.0]


def test_429_forever_is_rate_limited(server: FaultServer, client: HttpClient, tmp_path: Path) -> None:
    server.on(ESEARCH_PATH, Reply.rate_limited("1"))
    with pytest.raises(RateLimitedError) as caught:
        client.get_json("https://eutils.ncbi.nlm.nih.gov" + ESEARCH_PATH, {"db": "gds", "term": "x"})
    assert server.hits(ESEARCH_PATH) == 3
    assert caught.value.url is not None and caught.value.url.startswith("https://eutils.ncbi.nlm.nih.gov/")
    assert no_files_left(tmp_path)


# -- server errors, network -----------------------------------------------------------------------


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_error_burst_then_success(server: FaultServer, client: HttpClient, clock: FakeClock, code: int) -> None:
    server.on(SOFT_PATH, *burst(Reply.error(code), 2), Reply.ok(SOFT_GZ))
    client.fetch(FTP + SOFT_PATH, expect="soft")
    assert server.hits(SOFT_PATH) == 3 and clock.sleeps == [1.0, 2.0]


def test_server_errors_forever(server: FaultServer, client: HttpClient) -> None:
    server.on(SOFT_PATH, Reply.error(503, b"maintenance"))
    with pytest.raises(ServerError, match="maintenance") as caught:
        client.fetch(FTP + SOFT_PATH, expect="soft")
    assert caught.value.status == 503 and server.hits(SOFT_PATH) == 3


def test_connection_reset_then_success(server: FaultServer, client: HttpClient) -> None:
    server.on(SOFT_PATH, Reply.connection_reset(), Reply.ok(SOFT_GZ))
    assert client.fetch(FTP + SOFT_PATH, expect="soft").size == len(SOFT_GZ)


def test_connection_reset_forever(server: FaultServer, client: HttpClient) -> None:
    server.on(SOFT_PATH, Reply.connection_reset())
    with pytest.raises(NetworkError):
        client.fetch(FTP + SOFT_PATH, expect="soft")
    assert server.hits(SOFT_PATH) == 3


def test_slow_answer_times_out_then_succeeds(server: FaultServer, client: HttpClient) -> None:
    server.on(SOFT_PATH, Reply.slow(SOFT_GZ, delay=1.0), Reply.ok(SOFT_GZ))
    assert client.fetch(FTP + SOFT_PATH, expect="soft").size == len(SOFT_GZ)
    assert server.hits(SOFT_PATH) == 2


def test_slow_answer_forever(server: FaultServer, tmp_path: Path, clock: FakeClock) -> None:
    server.on(SOFT_PATH, Reply.slow(SOFT_GZ, delay=1.0))
    client = make_client(server, tmp_path, clock, max_attempts=2, read_timeout=0.15)
    with client, pytest.raises(NetworkError, match="timed out"):
        client.fetch(FTP + SOFT_PATH, expect="soft")
    assert server.hits(SOFT_PATH) == 2


# -- cut transfers ------------------------------------------------------------------------------------


def test_truncated_body_then_success(server: FaultServer, client: HttpClient) -> None:
    server.on(SOFT_PATH, Reply.truncated(SOFT_GZ, keep=len(SOFT_GZ) // 2), Reply.ok(SOFT_GZ))
    cached = client.fetch(FTP + SOFT_PATH, expect="soft")
    assert cached.path.read_bytes() == SOFT_GZ and server.hits(SOFT_PATH) == 2


def test_truncated_body_forever_leaves_nothing_behind(server: FaultServer, client: HttpClient, tmp_path: Path) -> None:
    server.on(SOFT_PATH, Reply.truncated(SOFT_GZ, keep=100))
    with pytest.raises(TruncatedError):
        client.fetch(FTP + SOFT_PATH, expect="soft")
    assert no_files_left(tmp_path)  # neither the target, a sidecar nor a temp file


def test_truncated_gzip_is_retried_and_reported(server: FaultServer, client: HttpClient, tmp_path: Path) -> None:
    server.on(SOFT_PATH, Reply.truncated_gzip(SOFT * 20))
    with pytest.raises(TruncatedError, match="gzip"):
        client.fetch(FTP + SOFT_PATH, expect="soft")
    assert server.hits(SOFT_PATH) == 3 and no_files_left(tmp_path)


def test_gzip_content_encoding_keeps_content_length_meaningful(server: FaultServer, client: HttpClient) -> None:
    """GEOparse#80: Content-Length is the compressed size; the check must count wire bytes."""
    text = b"GeneID\tGSM1\n" + b"1\t5\n" * 5000
    served = Reply.gzip_encoded(text)
    server.on("/geo/listing.txt", served)
    assert client.get_text(FTP + "/geo/listing.txt").encode() == text
    cached = client.fetch(FTP + "/geo/listing.txt", expect="tsv")
    # raw bytes, as served: the served body itself, not a second gzip.compress (whose header's mtime
    # differs from the served one whenever a second ticks between the two)
    assert cached.path.read_bytes() == served.body
    assert server.requests_to("/geo/listing.txt")[-1].header("Accept-Encoding") == "identity"


# -- garbage with status 200 ----------------------------------------------------------------------------


def test_valid_gzip_of_the_wrong_format(server: FaultServer, client: HttpClient, tmp_path: Path) -> None:
    server.on(SOFT_PATH, Reply.wrong_format_gzip())
    with pytest.raises(BadContentError, match="not a SOFT file"):
        client.fetch(FTP + SOFT_PATH, expect="soft", accession="GSE1")
    assert no_files_left(tmp_path)


def test_eutils_rate_limit_object_with_200_is_retried(server: FaultServer, client: HttpClient) -> None:
    server.on(ESEARCH_PATH, Reply.eutils_rate_limit_json(), Reply.json({"esearchresult": {"count": "0"}}))
    result = client.get_json("https://eutils.ncbi.nlm.nih.gov" + ESEARCH_PATH, {"db": "gds", "term": "x"})
    assert result == {"esearchresult": {"count": "0"}} and server.hits(ESEARCH_PATH) == 2


def test_eutils_rate_limit_object_with_429(server: FaultServer, client: HttpClient) -> None:
    server.on(ESEARCH_PATH, Reply.eutils_rate_limit_json(status=429))
    with pytest.raises(RateLimitedError, match="API rate limit exceeded"):
        client.get_json("https://eutils.ncbi.nlm.nih.gov" + ESEARCH_PATH, {"db": "gds", "term": "x"})


def test_esearch_error_object(server: FaultServer, client: HttpClient) -> None:
    server.on(ESEARCH_PATH, Reply.esearch_error())
    with pytest.raises(BadContentError, match="esearch"):
        client.get_json("https://eutils.ncbi.nlm.nih.gov" + ESEARCH_PATH, {"db": "gds"}, accession="GSE1")
    assert server.hits(ESEARCH_PATH) == 1


def test_gzip_bomb_is_refused_without_retry(server: FaultServer, tmp_path: Path, clock: FakeClock) -> None:
    server.on(SOFT_PATH, Reply.ok(gzip.compress(b"^" + b"\0" * 3_000_000)))
    client = make_client(server, tmp_path, clock, max_decompressed_bytes=1_000_000)
    with client, pytest.raises(LimitExceededError, match="bomb"):
        client.fetch(FTP + SOFT_PATH, expect="soft")
    assert server.hits(SOFT_PATH) == 1 and no_files_left(tmp_path)


def test_listing_page_as_text(server: FaultServer, client: HttpClient) -> None:
    listing = b'<html><body><a href="GSE1_series_matrix.txt.gz">GSE1_series_matrix.txt.gz</a></body></html>'
    server.on("/geo/series/GSE1nnn/GSE1/matrix/", Reply.ok(listing, content_type="text/html"))
    url = FTP + "/geo/series/GSE1nnn/GSE1/matrix/"
    assert "GSE1_series_matrix.txt.gz" in client.get_text(url, expect="html", accession="GSE1")
    with pytest.raises(HtmlPageError, match="HTML"):
        client.get_text(url, expect="text", policy=NO_STORE)
