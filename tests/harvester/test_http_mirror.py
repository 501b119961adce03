"""--mirror, NCBI etiquette and per-archive keys: the archive URL goes in, the mirror gets the request."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.config import Config, RateLimit
from rnacorpus.errors import NetworkError, PermanentError
from rnacorpus.harvester.cachekeys import REDACTED
from rnacorpus.harvester.http import HttpClient
from rnacorpus.harvester.routing import Router
from rnacorpus.harvester.transport import HttpRequest, HttpResponse, MockTransport
from tests.faults import FakeClock, FaultServer, Reply, quick_config

KEY = "0123456789abcdefSECRETKEY"
EMAIL = "curator@example.org"
ESEARCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
SOFT_URL = "https://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"
SOFT_GZ = gzip.compress(b"^SERIES = GSE1\n")


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


def test_archive_url_is_sent_to_the_mirror_with_path_and_query(server: FaultServer, tmp_path: Path) -> None:
    path = "/geo/download/"
    server.on(path, Reply.ok(SOFT_GZ))
    url = "https://www.ncbi.nlm.nih.gov/geo/download/?acc=GSE1&format=file&file=GSE1_raw_counts.tsv.gz"
    with HttpClient(quick_config(tmp_path, mirror=server.base_url)) as client:
        cached = client.fetch(url, expect="gzip")
    (seen,) = server.requests_to(path)
    assert seen.query == {"acc": ["GSE1"], "format": ["file"], "file": ["GSE1_raw_counts.tsv.gz"]}
    assert cached.url == url  # the archive's URL is what the cache records, not the mirror's
    assert cached.path.relative_to(tmp_path).parts[:3] == ("ncbi_www", "geo", "download")


def test_eutils_requests_carry_tool_email_and_api_key(server: FaultServer, tmp_path: Path) -> None:
    server.on("/entrez/eutils/esearch.fcgi", Reply.json({"esearchresult": {"count": "3"}}))
    config = quick_config(tmp_path, mirror=server.base_url, ncbi_api_key=KEY, email=EMAIL, tool="rnacorpus")
    with HttpClient(config) as client:
        client.get_json(ESEARCH, {"db": "gds", "term": "GSE[ETYP]"})
    (seen,) = server.requests
    assert seen.query == {
        "db": ["gds"],
        "term": ["GSE[ETYP]"],
        "tool": ["rnacorpus"],
        "email": [EMAIL],
        "api_key": [KEY],
    }


def test_etiquette_is_only_for_eutils(server: FaultServer, tmp_path: Path) -> None:
    server.on("/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz", Reply.ok(SOFT_GZ))
    config = quick_config(tmp_path, mirror=server.base_url, ncbi_api_key=KEY, email=EMAIL)
    with HttpClient(config) as client:
        client.fetch(SOFT_URL, expect="gzip")
    assert server.requests[0].query == {}


def test_secrets_never_reach_logs_or_errors(
    server: FaultServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.on("/entrez/eutils/esearch.fcgi", Reply.connection_reset(), Reply.json({}))
    config = quick_config(tmp_path, mirror=server.base_url, ncbi_api_key=KEY, email=EMAIL, max_attempts=1)
    caplog.set_level(logging.DEBUG)  # urllib3 included: it logs every request line with its URL
    with HttpClient(config) as client:
        with pytest.raises(NetworkError) as caught:
            client.get_json(ESEARCH, {"db": "gds", "term": "x"})
        client.get_json(ESEARCH, {"db": "gds", "term": "x"})
    assert KEY not in caplog.text and EMAIL not in caplog.text
    assert KEY not in str(caught.value) and KEY not in repr(caught.value.__cause__)
    assert caught.value.url == ESEARCH + "?db=gds&term=x"
    assert f"api_key={REDACTED}" in caplog.text  # the wire URL is logged, redacted
    assert server.requests[-1].query["api_key"] == [KEY]


def test_rate_limits_stay_keyed_by_the_original_archive(tmp_path: Path) -> None:
    clock = FakeClock()
    hosts: list[str] = []

    def handler(request: HttpRequest) -> HttpResponse:
        hosts.append(request.url.split("/")[2])
        if "eutils" in request.url:
            return HttpResponse(200, {"Content-Type": "application/json"}, b"{}")
        return HttpResponse(200, {}, SOFT_GZ)

    limits = {"eutils": RateLimit(3.0, 1), "ncbi_ftp": RateLimit(3.0, 1)}
    config = Config(cache_dir=tmp_path, mirror="http://127.0.0.1:9", rate_limits=limits)
    client = HttpClient(config, MockTransport(handler), clock, clock.sleep)
    client.get_json(ESEARCH)
    client.get_json(ESEARCH)
    client.fetch(SOFT_URL, expect="gzip")  # another archive: its own bucket, no wait
    assert hosts == ["127.0.0.1:9"] * 3
    assert clock.sleeps == pytest.approx([1 / 3])


def test_mirror_with_a_path_prefix_and_urls_outside_the_archives() -> None:
    router = Router(Config(mirror="http://127.0.0.1:8000/mirror/"))
    route = router.route("https://FTP.ncbi.nlm.nih.gov:443/geo/x.gz?b=2&a=1")
    assert route.send_url == "http://127.0.0.1:8000/mirror/geo/x.gz?b=2&a=1"
    assert route.archive == "ncbi_ftp"
    elsewhere = router.route("https://ftp.sra.ebi.ac.uk/vol1/fastq/SRR1/SRR1.fastq.gz")
    assert elsewhere.send_url == "https://ftp.sra.ebi.ac.uk/vol1/fastq/SRR1/SRR1.fastq.gz"
    assert elsewhere.archive == "ftp.sra.ebi.ac.uk"


def test_overridden_base_url_keeps_the_archive_key(server: FaultServer, tmp_path: Path) -> None:
    server.on("/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz", Reply.ok(SOFT_GZ))
    bases = {"ncbi_ftp": server.base_url, "eutils": "https://eutils.ncbi.nlm.nih.gov"}
    with HttpClient(quick_config(tmp_path, base_urls=bases)) as client:
        cached = client.fetch(server.url("/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz"), expect="gzip")
    assert cached.path.relative_to(tmp_path).parts[0] == "ncbi_ftp"


def test_non_http_urls_are_refused_without_a_request(tmp_path: Path) -> None:
    transport = MockTransport(lambda request: pytest.fail("no request expected"))
    client = HttpClient(Config(cache_dir=tmp_path), transport)
    with pytest.raises(PermanentError, match="http"):
        client.fetch("ftp://ftp.ncbi.nlm.nih.gov/geo/x.gz", expect="gzip", accession="GSE1")
    assert transport.requests == []


def test_one_debug_line_per_request_and_silence_on_a_cache_hit(
    server: FaultServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.on("/geo/series/GSE1nnn/GSE1/soft/GSE1_family.soft.gz", Reply.error(503), Reply.ok(SOFT_GZ))
    clock = FakeClock()
    with HttpClient(quick_config(tmp_path, mirror=server.base_url), None, clock, clock.sleep) as client:
        caplog.set_level(logging.DEBUG, logger="rnacorpus.harvester.http")
        client.fetch(SOFT_URL, expect="gzip")
        lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("GET ")]
        assert len(lines) == 2
        assert "-> 503 (attempt 1/3, cache download)" in lines[0]
        assert "-> 200 (attempt 2/3, cache download)" in lines[1]
        assert lines[1].startswith(f"GET {server.base_url}/geo/series/")
        caplog.clear()
        caplog.set_level(logging.INFO, logger="rnacorpus")
        again = client.fetch(SOFT_URL, expect="gzip")
    assert again.from_cache
    assert caplog.records == []  # a cache hit says nothing at INFO or above
    assert json.loads(client.cache.sidecar_path(again.path).read_text())["url"] == SOFT_URL
