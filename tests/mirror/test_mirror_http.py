"""Real HTTP semantics: types, lengths, validators and 304s, HEAD, HTML 404s, quiet keep-alive."""

from __future__ import annotations

import http.client
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.harvester.geo.urls import acc_cgi_url, family_soft_url, matrix_dir_url
from rnacorpus.mirror import MirrorServer


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Iterator[MirrorServer]:
    with MirrorServer(corpus) as server:
        yield server


def hosts(server: MirrorServer) -> dict[str, str]:
    return dict.fromkeys(ARCHIVE_HOSTS, server.url)


def urls(server: MirrorServer) -> dict[str, str]:
    """One URL per kind of answer: a file, a body made on the fly, a page, an E-utilities answer."""
    return {
        "file": family_soft_url("GSE1299", hosts(server)),
        "gzipped on the fly": family_soft_url("GSE105845", hosts(server)),
        "listing": matrix_dir_url("GSE99709", hosts(server)),
        "acc.cgi": acc_cgi_url("GSE1299", targ="self", form="text", view="brief", hosts=hosts(server)),
        "esearch": f"{server.url}/entrez/eutils/esearch.fcgi?db=gds&term=gse[ETYP]&retmode=json",
    }


def test_content_types_and_lengths(mirror: MirrorServer) -> None:
    expected = {
        "file": "application/x-gzip",
        "gzipped on the fly": "application/x-gzip",
        "listing": "text/html",
        "acc.cgi": "text/plain",
        "esearch": "application/json",
    }
    for what, url in urls(mirror).items():
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, what
        assert response.headers["Content-Type"].split(";")[0] == expected[what], what
        assert int(response.headers["Content-Length"]) == len(response.content), what


@pytest.mark.parametrize("what", ["file", "gzipped on the fly", "acc.cgi", "listing"])
def test_etag_and_if_none_match(mirror: MirrorServer, what: str) -> None:
    url = urls(mirror)[what]
    first = requests.get(url, timeout=10)
    etag = first.headers["ETag"]

    again = requests.get(url, headers={"If-None-Match": etag}, timeout=10)
    other = requests.get(url, headers={"If-None-Match": '"something-else"'}, timeout=10)

    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    assert other.status_code == 200 and other.content == first.content


def test_if_modified_since(mirror: MirrorServer) -> None:
    url = urls(mirror)["file"]
    stamp = requests.get(url, timeout=10).headers["Last-Modified"]
    assert requests.get(url, headers={"If-Modified-Since": stamp}, timeout=10).status_code == 304
    old = "Mon, 01 Jan 1990 00:00:00 GMT"
    assert requests.get(url, headers={"If-Modified-Since": old}, timeout=10).status_code == 200


def test_head_has_the_headers_and_no_body(mirror: MirrorServer) -> None:
    url = urls(mirror)["file"]
    get = requests.get(url, timeout=10)
    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and head.content == b""
    for header in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
        assert head.headers[header] == get.headers[header]


def test_unknown_paths_get_an_html_404(mirror: MirrorServer) -> None:
    response = requests.get(f"{mirror.url}/geo/nothing/here", timeout=10)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text and "/geo/nothing/here" in response.text


def test_one_connection_serves_many_requests(mirror: MirrorServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", mirror.port, timeout=10)
    try:
        for _ in range(3):
            connection.request("GET", "/geo/series/GSE1nnn/GSE1299/soft/GSE1299_family.soft.gz")
            response = connection.getresponse()
            assert response.status == 200
            assert len(response.read()) == int(response.getheader("Content-Length", "-1"))
    finally:
        connection.close()


def test_requests_are_logged_only_at_debug(mirror: MirrorServer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        requests.get(urls(mirror)["file"], timeout=10)
    assert not [record for record in caplog.records if record.name.startswith("rnacorpus.mirror")]
    with caplog.at_level(logging.DEBUG, logger="rnacorpus.mirror"):
        requests.get(urls(mirror)["file"], timeout=10)
    assert any("GSE1299_family.soft.gz" in record.getMessage() for record in caplog.records)


def test_the_server_says_where_it_listens(mirror: MirrorServer) -> None:
    assert mirror.url == f"http://127.0.0.1:{mirror.port}"
    assert mirror.port > 0
