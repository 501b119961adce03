"""Per-archive token buckets: NCBI's 3 requests/s (10 with an API key), timed on a fake clock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rnacorpus.config import Config, RateLimit
from rnacorpus.harvester.http import HttpClient
from rnacorpus.harvester.ratelimit import DEFAULT_HOST_LIMIT, RateLimiter, TokenBucket
from rnacorpus.harvester.transport import HttpRequest, HttpResponse, MockTransport
from tests.faults import FakeClock

ESEARCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"


def _send_times(limiter: RateLimiter, clock: FakeClock, key: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        limiter.acquire(key)
        times.append(round(clock() - 1_700_000_000.0, 6))
    return times


def test_ncbi_default_is_three_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Config().limits, clock=clock, sleep=clock.sleep)
    assert _send_times(limiter, clock, "eutils", 4) == [0.0, 0.333333, 0.666667, 1.0]
    assert clock.sleeps == pytest.approx([1 / 3] * 3)


def test_api_key_raises_ncbi_to_ten_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Config(ncbi_api_key="k").limits, clock=clock, sleep=clock.sleep)
    times = _send_times(limiter, clock, "eutils", 11)
    assert times[-1] == pytest.approx(1.0)
    assert clock.sleeps == pytest.approx([0.1] * 10)


def test_burst_allows_that_many_at_once_then_paces() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"ebi": RateLimit(5.0, 2)}, clock=clock, sleep=clock.sleep)
    assert _send_times(limiter, clock, "ebi", 4) == [0.0, 0.0, 0.2, 0.4]


def test_idle_time_refills_up_to_burst_only() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(2.0, 2), clock)
    assert [bucket.reserve() for _ in range(2)] == [0.0, 0.0]
    clock.now += 60  # a long pause saves up no more than `burst` tokens
    assert [bucket.reserve() for _ in range(3)] == pytest.approx([0.0, 0.0, 0.5])


def test_clock_stepping_back_mints_no_tokens() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(1.0, 1), clock)
    assert bucket.reserve() == 0.0
    clock.now -= 3600
    assert bucket.reserve() == pytest.approx(1.0)


def test_archives_do_not_share_buckets_and_unknown_hosts_get_the_default() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Config().limits, clock=clock, sleep=clock.sleep)
    limiter.acquire("eutils")
    limiter.acquire("ncbi_ftp")
    assert clock.sleeps == []
    assert limiter.limit_for("ftp.sra.ebi.ac.uk") == DEFAULT_HOST_LIMIT


def test_threads_sharing_a_bucket_get_distinct_slots() -> None:
    frozen = FakeClock()
    waits: list[float] = []
    lock = threading.Lock()
    bucket = TokenBucket(RateLimit(3.0, 1), frozen)

    def worker() -> None:
        wait = bucket.reserve()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(waits) == pytest.approx([i / 3 for i in range(6)])


def test_client_paces_eutils_requests(tmp_path: Path) -> None:
    clock = FakeClock()
    sent_at: list[float] = []

    def handler(request: HttpRequest) -> HttpResponse:
        sent_at.append(clock() - 1_700_000_000.0)
        return HttpResponse(200, {"Content-Type": "application/json"}, b'{"esearchresult": {"idlist": []}}')

    client = HttpClient(Config(cache_dir=tmp_path), MockTransport(handler), clock, clock.sleep)
    for _ in range(4):
        client.get_json(ESEARCH, {"db": "gds", "term": "x"})
    assert sent_at == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
