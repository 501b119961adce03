"""GEO's download page lists the NCBI-generated counts the mirror holds, with GEO's own link form."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.harvester.geo.urls import download_page_url
from rnacorpus.mirror import MirrorServer


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if tag == "a" and name == "href" and value]


def counts_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [href for href in parser.hrefs if "rnaseq_counts" in href]


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Iterator[MirrorServer]:
    with MirrorServer(corpus) as server:
        yield server


def page(server: MirrorServer, accession: str) -> requests.Response:
    return requests.get(download_page_url(accession, dict.fromkeys(ARCHIVE_HOSTS, server.url)), timeout=10)


@pytest.mark.parametrize("accession", ["GSE63966", "GSE164073"])
def test_series_with_ncbi_counts_link_them(mirror: MirrorServer, corpus: Path, accession: str) -> None:
    response = page(mirror, accession)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "NCBI-generated data" in response.text

    [href] = counts_links(response.text)
    name = f"{accession}_raw_counts_GRCh38.p13_NCBI.tsv.gz"
    assert href == f"/geo/download/?type=rnaseq_counts&acc={accession}&format=file&file={name}"
    assert 'href="/geo/download/?type=rnaseq_counts&amp;acc=' in response.text, "hrefs are HTML-escaped as on GEO"
    query = parse_qs(urlsplit(href).query)
    assert query == {"type": ["rnaseq_counts"], "acc": [accession], "format": ["file"], "file": [name]}
    download = requests.get(mirror.url + href, timeout=10)
    assert download.content == (corpus / "geo/ncbi_counts" / name).read_bytes()


@pytest.mark.parametrize("accession", ["GSE1299", "GSE99709", "GSE146583"])
def test_series_without_counts_have_no_counts_section(mirror: MirrorServer, accession: str) -> None:
    response = page(mirror, accession)
    assert response.status_code == 200
    assert "NCBI-generated data" not in response.text
    assert counts_links(response.text) == []


def test_an_unknown_series_has_no_page(mirror: MirrorServer) -> None:
    assert page(mirror, "GSE123456").status_code == 404


@pytest.fixture()
def with_annotation(tmp_path: Path, corpus: Path) -> Iterator[MirrorServer]:
    shutil.copy(corpus / "geo/ncbi_counts/GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz", tmp_path)
    shutil.copy(corpus / "geo/soft/GSE63966_family.soft.gz", tmp_path)
    annotation = gzip.compress(b"GeneID\tSymbol\tDescription\n1\tA1BG\talpha-1-B glycoprotein\n")
    (tmp_path / "Human.GRCh38.p13.annot.tsv.gz").write_bytes(annotation)
    (tmp_path / "GSE63966_RAW.tar").write_bytes(b"not a real tar")
    with MirrorServer(tmp_path) as server:
        yield server


def test_the_annotation_table_and_raw_tar_are_offered_when_held(with_annotation: MirrorServer) -> None:
    response = page(with_annotation, "GSE63966")
    links = counts_links(response.text)
    assert "/geo/download/?format=file&type=rnaseq_counts&file=Human.GRCh38.p13.annot.tsv.gz" in links
    annotation = requests.get(with_annotation.url + links[-1], timeout=10)
    assert gzip.decompress(annotation.content).startswith(b"GeneID\tSymbol")
    raw = requests.get(f"{with_annotation.url}/geo/download/?acc=GSE63966&format=file", timeout=10)
    assert raw.content == b"not a real tar"
    assert raw.headers["Content-Type"] == "application/x-tar"
