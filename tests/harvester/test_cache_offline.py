"""--offline reads only the cache; and credentials never reach the cache (key, path or sidecar)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rnacorpus.errors import OfflineMiss, UnsafePathError
from rnacorpus.harvester.cache_policy import SEARCH
from rnacorpus.harvester.cachekeys import cache_key
from rnacorpus.harvester.http import HttpClient
from rnacorpus.harvester.transport import HttpRequest, HttpResponse, MockTransport
from tests.faults import FakeClock, FaultServer, Reply, quick_config

PATH = "/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
URL = "https://ftp.ncbi.nlm.nih.gov" + PATH
ESEARCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
SOFT_GZ = gzip.compress(b"^SERIES = GSE1\n")
KEY = "SECRETKEY0123456789"
EMAIL = "curator@example.org"


def no_network() -> MockTransport:
    def refuse(request: HttpRequest) -> HttpResponse:
        raise AssertionError(f"offline mode sent a request to {request.url}")

    return MockTransport(refuse)


def test_offline_miss_sends_nothing(tmp_path: Path) -> None:
    transport = no_network()
    client = HttpClient(quick_config(tmp_path, offline=True), transport)
    with pytest.raises(OfflineMiss) as caught:
        client.fetch(URL, expect="soft", accession="GSE1")
    with pytest.raises(OfflineMiss):
        client.get_json(ESEARCH, {"db": "gds", "term": "x"})
    with pytest.raises(OfflineMiss):
        client.get_text("https://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE1/matrix/", expect="html")
    assert transport.requests == []
    assert caught.value.accession == "GSE1" and caught.value.url == URL


def test_offline_uses_what_an_online_run_cached(tmp_path: Path) -> None:
    clock = FakeClock()
    with FaultServer() as server:
        server.on(PATH, Reply.ok(SOFT_GZ, etag='"v1"'))
        with HttpClient(quick_config(tmp_path, mirror=server.base_url), None, clock, clock.sleep) as online:
            fetched = online.fetch(URL, expect="soft")
    offline = HttpClient(quick_config(tmp_path, offline=True), no_network(), clock, clock.sleep)
    again = offline.fetch(URL, expect="soft", revalidate=True)  # offline: nothing to revalidate against
    assert again.from_cache and again.path == fetched.path and again.sha256 == fetched.sha256


def test_unsafe_url_fails_before_any_request(tmp_path: Path) -> None:
    transport = no_network()
    client = HttpClient(quick_config(tmp_path), transport)
    with pytest.raises(UnsafePathError) as caught:
        client.fetch(
            "https://ftp.ncbi.nlm.nih.gov/geo/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            expect="text",
            accession="GSE1",
        )
    assert transport.requests == [] and caught.value.accession == "GSE1"


def test_credentials_stay_out_of_the_cache(tmp_path: Path) -> None:
    path = "/entrez/eutils/esearch.fcgi"
    with FaultServer() as server:
        server.on(path, Reply.json({"esearchresult": {"count": "7"}}))
        config = quick_config(tmp_path, mirror=server.base_url, ncbi_api_key=KEY, email=EMAIL)
        with HttpClient(config) as client:
            client.get_json(ESEARCH, {"db": "gds", "term": "x"}, policy=SEARCH)
        assert server.requests[0].query["api_key"] == [KEY]  # sent on the wire ...
        # ... keyed and stored without it: a client with another key (or none) finds the same entry
        other = quick_config(tmp_path, mirror=server.base_url, ncbi_api_key="another-key")
        with HttpClient(other) as client:
            assert client.get_json(ESEARCH, {"db": "gds", "term": "x"}, policy=SEARCH)["esearchresult"]["count"] == "7"
        assert server.hits(path) == 1
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(stored) == 2  # the answer and its sidecar
    for item in stored:
        text = item.read_text() + str(item)
        assert KEY not in text and EMAIL not in text and "another-key" not in text
    sidecar = next(p for p in stored if p.name.endswith(".meta.json"))
    assert cache_key(ESEARCH + "?db=gds&term=x") in sidecar.read_text()


def test_caller_supplied_secrets_are_redacted_too(tmp_path: Path) -> None:
    url = f"https://www.ebi.ac.uk/ena/portal/api/search?result=read_run&api_key={KEY}"
    transport = MockTransport(lambda request: HttpResponse(200, {}, b"run_accession\nSRR1\n"))
    cached = HttpClient(quick_config(tmp_path), transport).fetch(url, expect="tsv")
    assert KEY in transport.requests[0].url  # the caller asked for it to be sent
    assert KEY not in cached.url and "api_key=REDACTED" in cached.url
    for item in tmp_path.rglob("*"):
        assert KEY not in str(item) and (item.is_dir() or KEY not in item.read_text())
