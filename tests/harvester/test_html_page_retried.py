"""An HTML page with status 200 where a file belongs is an archive hiccup: retried like a 5xx.

Within the retry budget and with the same backoff; only a page that persists through every attempt
fails the request (``HtmlPageError``, kind ``html_page``). A body that is valid but of the wrong
format stays permanent: one request, ``BadContentError``.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.errors import BadContentError, HtmlPageError
from rnacorpus.harvester.http import HttpClient
from tests.faults import FakeClock, FaultServer, MaxJitter, Reply, quick_config

FTP = "https://ftp.ncbi.nlm.nih.gov"
SOFT_PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
SOFT_GZ = gzip.compress(b"^DATABASE = GeoMiame\n^SERIES = GSE1\n!Series_title = a study\n" * 50)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def client_for(server: FaultServer, tmp_path: Path, clock: FakeClock, **config: object) -> HttpClient:
    return HttpClient(
        quick_config(tmp_path, mirror=server.base_url, **config), None, clock, clock.sleep, rng=MaxJitter()
    )


@pytest.mark.parametrize("labelled", [True, False], ids=["text/html", "disguised"])
@pytest.mark.parametrize("expect", ["soft", "gzip"])
def test_an_html_page_that_clears_is_retried_with_backoff(
    server: FaultServer, tmp_path: Path, labelled: bool, expect: str
) -> None:
    server.on(SOFT_PATH, Reply.html_page(labelled=labelled), Reply.html_page(labelled=labelled), Reply.ok(SOFT_GZ))
    clock = FakeClock()
    with client_for(server, tmp_path, clock) as client:
        cached = client.fetch(FTP + SOFT_PATH, expect=expect, accession="GSE1")
    assert cached.path.read_bytes() == SOFT_GZ
    assert server.hits(SOFT_PATH) == 3
    assert clock.sleeps == [1.0, 2.0], "the backoff of a 5xx"


def test_an_html_page_that_persists_fails_after_the_retries(server: FaultServer, tmp_path: Path) -> None:
    server.on(SOFT_PATH, Reply.html_page())
    clock = FakeClock()
    with client_for(server, tmp_path, clock, max_attempts=4) as client, pytest.raises(HtmlPageError) as caught:
        client.fetch(FTP + SOFT_PATH, expect="soft", accession="GSE1")
    assert server.hits(SOFT_PATH) == 4 and caught.value.kind == "html_page"
    assert str(caught.value).startswith("GSE1, https://ftp.ncbi.nlm.nih.gov/geo/") and "HTML page" in str(caught.value)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()], "nothing of the page is cached"


def test_an_html_page_stops_within_the_retry_budget(server: FaultServer, tmp_path: Path) -> None:
    server.on(SOFT_PATH, Reply.html_page())
    clock = FakeClock()
    with client_for(server, tmp_path, clock, max_attempts=10, retry_budget=3.5) as client, pytest.raises(HtmlPageError):
        client.fetch(FTP + SOFT_PATH, expect="soft")
    assert clock.sleeps == [1.0, 2.0] and server.hits(SOFT_PATH) == 3  # the next wait (4 s) would pass 3.5 s


def test_a_valid_body_of_the_wrong_format_stays_permanent(server: FaultServer, tmp_path: Path) -> None:
    server.on(SOFT_PATH, Reply.wrong_format_gzip())
    clock = FakeClock()
    with client_for(server, tmp_path, clock) as client, pytest.raises(BadContentError, match="not a SOFT file"):
        client.fetch(FTP + SOFT_PATH, expect="soft")
    assert server.hits(SOFT_PATH) == 1 and clock.sleeps == []
