"""Directory listings like NCBI's Apache indexes: matrix/ and suppl/ link what the mirror holds."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.harvester.geo.urls import matrix_dir_url, matrix_file_url, series_dir_url, suppl_dir_url
from rnacorpus.mirror import MirrorServer


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if tag == "a" and name == "href" and value]


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [href for href in parser.hrefs if not href.startswith("/")]  # drop "Parent Directory"


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Iterator[MirrorServer]:
    with MirrorServer(corpus) as server:
        yield server


def hosts(server: MirrorServer) -> dict[str, str]:
    return dict.fromkeys(ARCHIVE_HOSTS, server.url)


def test_the_matrix_folder_lists_the_series_matrix_files_held(mirror: MirrorServer, corpus: Path) -> None:
    response = requests.get(matrix_dir_url("GSE99709", hosts(mirror)), timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Index of /geo/series/GSE99nnn/GSE99709/matrix" in response.text
    assert links(response.text) == ["GSE99709_series_matrix.txt.gz"]
    file = requests.get(matrix_file_url("GSE99709", "GSE99709_series_matrix.txt.gz", hosts(mirror)), timeout=10)
    assert file.content == (corpus / "geo/series_matrix/GSE99709_series_matrix.txt.gz").read_bytes()


def test_a_held_series_without_matrix_files_has_an_empty_matrix_folder(mirror: MirrorServer) -> None:
    response = requests.get(matrix_dir_url("GSE1299", hosts(mirror)), timeout=10)
    assert response.status_code == 200
    assert links(response.text) == []


def test_a_series_the_mirror_does_not_hold_has_no_folder(mirror: MirrorServer) -> None:
    assert requests.get(matrix_dir_url("GSE123456", hosts(mirror)), timeout=10).status_code == 404
    assert requests.get(series_dir_url("GSE123456", hosts(mirror)), timeout=10).status_code == 404


def test_the_series_folder_lists_its_parts(mirror: MirrorServer) -> None:
    response = requests.get(series_dir_url("GSE99709", hosts(mirror)), timeout=10)
    assert links(response.text) == ["matrix/"]
    both = requests.get(series_dir_url("GSE63966", hosts(mirror)), timeout=10)
    assert links(both.text) == ["soft/"]


@pytest.fixture()
def laid_out(tmp_path: Path, corpus: Path) -> Iterator[MirrorServer]:
    """A folder mixing GEO's own layout with loose files: matrices and suppl files found either way."""
    series = tmp_path / "geo/series/GSE99nnn/GSE99709"
    (series / "suppl").mkdir(parents=True)
    (series / "suppl/GSE99709_Stat3RNA-Seq-counts.csv.gz").write_bytes(gzip.compress(b"gene,a\nx,1\n"))
    shutil.copy(corpus / "geo/acc_cgi/GSE99709/brief", tmp_path / "brief")
    plain = gzip.decompress((corpus / "geo/series_matrix/GSE99709_series_matrix.txt.gz").read_bytes())
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose/GSE99709-GPL17021_series_matrix.txt").write_bytes(plain)
    (tmp_path / "loose/GSE99709_Stat3RNA-Seq-significant-genes.xlsx").write_bytes(b"PK\x03\x04 not really")
    with MirrorServer(tmp_path) as server:
        yield server


def test_an_uncompressed_matrix_is_listed_and_served_under_its_gz_name(laid_out: MirrorServer, corpus: Path) -> None:
    listing = requests.get(matrix_dir_url("GSE99709", hosts(laid_out)), timeout=10)
    assert links(listing.text) == ["GSE99709-GPL17021_series_matrix.txt.gz"]
    url = matrix_file_url("GSE99709", "GSE99709-GPL17021_series_matrix.txt.gz", hosts(laid_out))
    served = requests.get(url, timeout=10)
    original = gzip.decompress((corpus / "geo/series_matrix/GSE99709_series_matrix.txt.gz").read_bytes())
    assert gzip.decompress(served.content) == original


def test_supplementary_files_are_listed_and_served(laid_out: MirrorServer) -> None:
    listing = requests.get(suppl_dir_url("GSE99709", hosts(laid_out)), timeout=10)
    names = links(listing.text)
    # one file sits in GEO's layout; the other is named by the series record and found by name
    assert names == ["GSE99709_Stat3RNA-Seq-counts.csv.gz", "GSE99709_Stat3RNA-Seq-significant-genes.xlsx"]
    served = requests.get(suppl_dir_url("GSE99709", hosts(laid_out)) + names[1], timeout=10)
    assert served.content == b"PK\x03\x04 not really"
    missing = requests.get(suppl_dir_url("GSE99709", hosts(laid_out)) + "GSE99709_other.txt", timeout=10)
    assert missing.status_code == 404
