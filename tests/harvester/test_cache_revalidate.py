"""Conditional revalidation: a 304 refreshes the sidecar without a download; new bytes set ``changed``."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from rnacorpus.harvester.cache_policy import PINNED, SEARCH
from rnacorpus.harvester.http import HttpClient
from tests.faults import FakeClock, FaultServer, Reply, quick_config

PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
URL = "https://ftp.ncbi.nlm.nih.gov" + PATH
V1 = gzip.compress(b"^SERIES = GSE1\n!Series_last_update_date = Jan 01 2024\n")
V2 = gzip.compress(b"^SERIES = GSE1\n!Series_last_update_date = Mar 05 2024\n")
LAST_MODIFIED = "Mon, 01 Jan 2024 10:00:00 GMT"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(server: FaultServer, tmp_path: Path, clock: FakeClock) -> Iterator[HttpClient]:
    with HttpClient(quick_config(tmp_path, mirror=server.base_url), None, clock, clock.sleep) as made:
        yield made


def sidecar(client: HttpClient, path: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(client.cache.sidecar_path(path).read_text())
    return loaded


def test_304_by_etag_refreshes_the_sidecar_only(server: FaultServer, client: HttpClient, clock: FakeClock) -> None:
    server.on(PATH, Reply.ok(V1, etag='"v1"'))
    first = client.fetch(URL, expect="soft")
    mtime = first.path.stat().st_mtime_ns
    clock.now += 86_400
    again = client.fetch(URL, expect="soft", revalidate=True)
    assert server.requests_to(PATH)[-1].header("If-None-Match") == '"v1"'
    assert again.from_cache and not again.changed and again.sha256 == first.sha256
    assert first.path.stat().st_mtime_ns == mtime  # the file was not rewritten
    side = sidecar(client, first.path)
    assert datetime.fromisoformat(str(side["validated_at"])).timestamp() == clock.now
    assert datetime.fromisoformat(str(side["fetched_at"])).timestamp() == clock.now - 86_400


def test_304_by_last_modified(server: FaultServer, client: HttpClient) -> None:
    server.on(PATH, Reply.ok(V1, last_modified=LAST_MODIFIED))
    client.fetch(URL, expect="soft")
    assert client.fetch(URL, expect="soft", revalidate=True).from_cache
    assert server.requests_to(PATH)[-1].header("If-Modified-Since") == LAST_MODIFIED


def test_new_version_is_downloaded_and_marked_changed(server: FaultServer, client: HttpClient) -> None:
    server.on(PATH, Reply.ok(V1, etag='"v1"'), Reply.ok(V2, etag='"v2"'))
    first = client.fetch(URL, expect="soft")
    second = client.fetch(URL, expect="soft", revalidate=True)
    assert not second.from_cache and second.changed and second.sha256 != first.sha256
    assert second.path.read_bytes() == V2 and second.etag == '"v2"'
    assert sidecar(client, second.path)["etag"] == '"v2"'


def test_same_bytes_downloaded_again_are_not_changed(server: FaultServer, client: HttpClient) -> None:
    server.on(PATH, Reply.ok(V1))  # no validators: revalidation has to download
    client.fetch(URL, expect="soft")
    again = client.fetch(URL, expect="soft", revalidate=True)
    assert server.hits(PATH) == 2 and not again.from_cache and not again.changed


def test_no_revalidation_unless_asked(server: FaultServer, client: HttpClient) -> None:
    server.on(PATH, Reply.ok(V1, etag='"v1"'))
    client.fetch(URL, expect="soft")
    client.fetch(URL, expect="soft")
    assert server.hits(PATH) == 1


def test_pinned_reference_is_never_revalidated(server: FaultServer, client: HttpClient) -> None:
    server.on(PATH, Reply.ok(V1, etag='"v1"'))
    client.fetch(URL, expect="soft", policy=PINNED)
    assert client.fetch(URL, expect="soft", policy=PINNED, revalidate=True).from_cache
    assert server.hits(PATH) == 1


def test_short_expiry_refetches_after_it_passes(server: FaultServer, client: HttpClient, clock: FakeClock) -> None:
    path = "/entrez/eutils/esearch.fcgi"
    url = "https://eutils.ncbi.nlm.nih.gov" + path
    server.on(path, Reply.json({"esearchresult": {"count": "1"}}), Reply.json({"esearchresult": {"count": "2"}}))
    assert client.get_json(url, {"db": "gds"}, policy=SEARCH)["esearchresult"]["count"] == "1"
    clock.now += 30 * 60
    assert client.get_json(url, {"db": "gds"}, policy=SEARCH)["esearchresult"]["count"] == "1"
    clock.now += 31 * 60
    assert client.get_json(url, {"db": "gds"}, policy=SEARCH)["esearchresult"]["count"] == "2"
    assert server.hits(path) == 2


def test_eutils_answers_are_not_cached_by_default(server: FaultServer, client: HttpClient, tmp_path: Path) -> None:
    path = "/entrez/eutils/esearch.fcgi"
    server.on(path, Reply.json({"esearchresult": {"count": "1"}}))
    for _ in range(2):
        client.get_json("https://eutils.ncbi.nlm.nih.gov" + path, {"db": "gds"})
    assert server.hits(path) == 2
    assert not (tmp_path / "eutils").exists()
