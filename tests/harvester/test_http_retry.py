"""Retries: which errors are retried, the exact waits (backoff, jitter, Retry-After) and the budget.

Driven through the function-backed MockTransport with a fake clock, so every wait is asserted
exactly and nothing sleeps.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest

from rnacorpus.errors import (
    BadContentError,
    HttpStatusError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TruncatedError,
)
from rnacorpus.harvester.http import HttpClient
from rnacorpus.harvester.retry import RetryPolicy, parse_retry_after
from rnacorpus.harvester.transport import HttpRequest, HttpResponse, MockTransport
from tests.faults import EUTILS_RATE_LIMIT, FakeClock, MaxJitter, quick_config

SOFT_URL = "https://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
ESEARCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
SOFT_GZ = gzip.compress(b"^SERIES = GSE1\n!Series_title = t\n")

Reply = Callable[[HttpRequest], HttpResponse]


def status(code: int, headers: dict[str, str] | None = None, body: bytes = b"") -> Reply:
    return lambda request: HttpResponse(code, headers or {}, body)


def ok(body: bytes = SOFT_GZ) -> Reply:
    return status(200, {"Content-Type": "application/x-gzip", "Content-Length": str(len(body))}, body)


def network_down(request: HttpRequest) -> HttpResponse:
    raise NetworkError("connection refused", url=request.url)


def scripted(*replies: Reply) -> tuple[MockTransport, list[HttpRequest]]:
    pending: Iterator[Reply] = iter(replies)
    last: list[Reply] = []

    def handler(request: HttpRequest) -> HttpResponse:
        reply = next(pending, None)
        if reply is None:
            reply = last[0]
        else:
            last[:] = [reply]
        return reply(request)

    transport = MockTransport(handler)
    return transport, transport.requests


def client_with(tmp_path: Path, transport: MockTransport, **config: Any) -> tuple[HttpClient, FakeClock]:
    clock = FakeClock()
    settings = {"max_attempts": 5, **config}
    client = HttpClient(quick_config(tmp_path, **settings), transport, clock, clock.sleep, rng=MaxJitter())
    return client, clock


def test_backoff_doubles_from_the_base(tmp_path: Path) -> None:
    transport, sent = scripted(*[status(503)] * 4, ok())
    client, clock = client_with(tmp_path, transport)
    client.fetch(SOFT_URL, expect="gzip")
    assert len(sent) == 5
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]


def test_backoff_is_capped(tmp_path: Path) -> None:
    transport, _ = scripted(*[status(500)] * 4, ok())
    client, clock = client_with(tmp_path, transport, backoff_max=3.0)
    client.fetch(SOFT_URL, expect="gzip")
    assert clock.sleeps == [1.0, 2.0, 3.0, 3.0]


def test_full_jitter_draws_uniformly_from_zero_to_the_cap(tmp_path: Path) -> None:
    transport, _ = scripted(*[status(503)] * 5, ok())
    clock = FakeClock()
    config = quick_config(tmp_path, max_attempts=6, backoff_max=10.0)
    HttpClient(config, transport, clock, clock.sleep, rng=random.Random(42)).fetch(SOFT_URL, expect="gzip")
    same = random.Random(42)
    assert clock.sleeps == [same.uniform(0.0, cap) for cap in (1.0, 2.0, 4.0, 8.0, 10.0)]
    assert RetryPolicy(backoff_base=0.5, backoff_max=60.0).backoff(3, MaxJitter()) == 2.0


def test_retry_after_seconds_is_honoured(tmp_path: Path) -> None:
    transport, _ = scripted(status(429, {"Retry-After": "7"}), status(503, {"Retry-After": "2"}), ok())
    client, clock = client_with(tmp_path, transport)
    client.fetch(SOFT_URL, expect="gzip")
    assert clock.sleeps == [7.0, 2.0]


def test_retry_after_http_date_is_honoured(tmp_path: Path) -> None:
    clock_start = FakeClock().now
    when = formatdate(clock_start + 30, usegmt=True)
    transport, _ = scripted(status(429, {"Retry-After": when}), ok())
    client, clock = client_with(tmp_path, transport)
    client.fetch(SOFT_URL, expect="gzip")
    assert clock.sleeps == [30.0]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=1_700_000_000.0) == expected


def test_retry_after_beyond_the_budget_gives_up_at_once(tmp_path: Path) -> None:
    transport, sent = scripted(status(429, {"Retry-After": "400"}))
    client, clock = client_with(tmp_path, transport, retry_budget=300.0)
    with pytest.raises(RateLimitedError) as caught:
        client.fetch(SOFT_URL, expect="gzip", accession="GSE1")
    assert len(sent) == 1 and clock.sleeps == []
    assert caught.value.retry_after == 400.0
    assert caught.value.url == SOFT_URL and caught.value.accession == "GSE1"


def test_budget_counts_all_waits_of_one_request(tmp_path: Path) -> None:
    transport, sent = scripted(status(502))
    client, clock = client_with(tmp_path, transport, retry_budget=5.0)
    with pytest.raises(ServerError) as caught:
        client.fetch(SOFT_URL, expect="gzip")
    assert clock.sleeps == [1.0, 2.0]  # the next wait (4 s) would pass 5 s in total
    assert len(sent) == 3 and caught.value.status == 502


def test_exhausted_attempts_raise_the_last_transient_error(tmp_path: Path) -> None:
    transport, sent = scripted(status(500), status(502), network_down)
    client, clock = client_with(tmp_path, transport, max_attempts=3)
    with pytest.raises(NetworkError) as caught:
        client.fetch(SOFT_URL, expect="gzip", accession="GSE1")
    assert len(sent) == 3 and clock.sleeps == [1.0, 2.0]
    assert caught.value.url == SOFT_URL and caught.value.accession == "GSE1"


@pytest.mark.parametrize("code", [404, 410])
def test_not_found_is_not_retried(tmp_path: Path, code: int) -> None:
    transport, sent = scripted(status(code, body=b"<html>gone</html>"))
    client, clock = client_with(tmp_path, transport)
    with pytest.raises(NotFoundError) as caught:
        client.fetch(SOFT_URL, expect="gzip", accession="GSE1")
    assert len(sent) == 1 and clock.sleeps == []
    assert caught.value.accession == "GSE1" and caught.value.url == SOFT_URL


@pytest.mark.parametrize("code", [400, 401, 403, 414])
def test_other_client_errors_are_permanent(tmp_path: Path, code: int) -> None:
    transport, sent = scripted(status(code))
    client, _ = client_with(tmp_path, transport)
    with pytest.raises(HttpStatusError) as caught:
        client.fetch(SOFT_URL, expect="gzip")
    assert caught.value.status == code and len(sent) == 1


def test_short_body_is_retried(tmp_path: Path) -> None:
    cut = status(200, {"Content-Length": str(len(SOFT_GZ) + 100)}, SOFT_GZ)
    transport, sent = scripted(cut, ok())
    client, clock = client_with(tmp_path, transport)
    cached = client.fetch(SOFT_URL, expect="gzip")
    assert len(sent) == 2 and clock.sleeps == [1.0]
    assert cached.path.read_bytes() == SOFT_GZ


def test_short_body_every_time_is_truncated(tmp_path: Path) -> None:
    transport, _ = scripted(status(200, {"Content-Length": "999"}, SOFT_GZ))
    client, _ = client_with(tmp_path, transport, max_attempts=2)
    with pytest.raises(TruncatedError):
        client.fetch(SOFT_URL, expect="gzip")


def test_bad_content_is_not_retried(tmp_path: Path) -> None:
    """A valid body of the wrong format is permanent (an HTML page is not: see test_html_page_retried)."""
    wrong = gzip.compress(b"GeneID\tGSM1\n1\t5\n")
    transport, sent = scripted(status(200, {"Content-Type": "application/x-gzip"}, wrong))
    client, _ = client_with(tmp_path, transport)
    with pytest.raises(BadContentError):
        client.fetch(SOFT_URL, expect="soft")
    assert len(sent) == 1


def test_eutils_rate_limit_in_a_200_body_is_retried(tmp_path: Path) -> None:
    as_json = {"Content-Type": "application/json"}
    limited = status(200, as_json, json.dumps(EUTILS_RATE_LIMIT).encode())
    answer = status(200, as_json, b'{"esearchresult": {"count": "0", "idlist": []}}')
    transport, sent = scripted(limited, answer)
    client, clock = client_with(tmp_path, transport)
    assert client.get_json(ESEARCH, {"db": "gds", "term": "x"})["esearchresult"]["count"] == "0"
    assert len(sent) == 2 and clock.sleeps == [1.0]
