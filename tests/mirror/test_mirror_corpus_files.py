"""The shared corpus, served as it is, answers GEO's real download paths byte for byte."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.harvester.geo.urls import annot_url, family_soft_url, ncbi_counts_file_url, platform_soft_url
from rnacorpus.mirror import MirrorServer


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Iterator[MirrorServer]:
    with MirrorServer(corpus) as server:
        yield server


def hosts(server: MirrorServer) -> dict[str, str]:
    return dict.fromkeys(ARCHIVE_HOSTS, server.url)


def plain_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def series_softs(manifest: list[Any]) -> list[Any]:
    return [row for row in manifest if row.rel.startswith("geo/soft/GSE")]


def test_every_family_soft_is_served_at_its_real_path(mirror: MirrorServer, manifest: list[Any]) -> None:
    rows = series_softs(manifest)
    # odd names (GSE14618.soft.gz, GSE2122.soft.gz) and an uncompressed one are among them
    names = {row.rel.rsplit("/", 1)[-1] for row in rows}
    assert {"GSE14618.soft.gz", "GSE2122.soft.gz", "GSE105845_family.soft", "GSE1299_family.soft.gz"} <= names
    for row in rows:
        response = requests.get(family_soft_url(row.accession, hosts(mirror)), timeout=10)

        assert response.status_code == 200, row.rel
        assert response.headers["Content-Type"] in {"application/x-gzip", "application/gzip"}
        assert response.content[:2] == b"\x1f\x8b", f"{row.rel}: a .gz URL must answer gzip bytes"
        assert gzip.decompress(response.content) == plain_bytes(row.path), row.rel


def test_a_gzipped_family_soft_is_sent_unchanged(mirror: MirrorServer, manifest: list[Any]) -> None:
    row = next(row for row in series_softs(manifest) if row.accession == "GSE1299")
    response = requests.get(family_soft_url("GSE1299", hosts(mirror)), timeout=10)
    assert hashlib.sha256(response.content).hexdigest() == row.sha256
    assert int(response.headers["Content-Length"]) == row.size


def test_an_uncompressed_family_soft_is_gzipped_on_the_fly_the_same_way_each_time(
    mirror: MirrorServer,
) -> None:
    url = family_soft_url("GSE105845", hosts(mirror))
    first = requests.get(url, timeout=10)
    second = requests.get(url, timeout=10)

    assert first.status_code == 200
    assert int(first.headers["Content-Length"]) == len(first.content)
    assert first.content == second.content
    assert first.headers["ETag"] == second.headers["ETag"]


def test_platform_files_are_served_at_their_real_paths(mirror: MirrorServer, corpus: Path) -> None:
    annot = requests.get(annot_url("GPL97", hosts(mirror)), timeout=10)
    family = requests.get(platform_soft_url("GPL96", hosts(mirror)), timeout=10)

    assert annot.content == (corpus / "geo/gpl/GPL97.annot.gz").read_bytes()
    assert family.content == (corpus / "geo/gpl/GPL96_family.soft.gz").read_bytes()
    # an uncompressed platform family SOFT is gzipped like a series one
    uncompressed = requests.get(platform_soft_url("GPL20814", hosts(mirror)), timeout=10)
    assert gzip.decompress(uncompressed.content) == (corpus / "geo/soft/GPL20814_family.soft").read_bytes()


def test_ncbi_counts_download_links_answer_the_counts_file(mirror: MirrorServer, manifest: list[Any]) -> None:
    for row in (row for row in manifest if row.rel.startswith("geo/ncbi_counts/")):
        name = row.rel.rsplit("/", 1)[-1]
        response = requests.get(ncbi_counts_file_url(name, row.accession, hosts(mirror)), timeout=10)
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == row.sha256


def test_a_counts_file_is_not_offered_for_another_series(mirror: MirrorServer) -> None:
    url = ncbi_counts_file_url("GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz", "GSE1299", hosts(mirror))
    assert requests.get(url, timeout=10).status_code == 404


def test_a_wrong_folder_stub_is_not_found(mirror: MirrorServer) -> None:
    wrong_stub = f"{mirror.url}/geo/series/GSE12nnn/GSE1299/soft/GSE1299_family.soft.gz"
    not_held = f"{mirror.url}/geo/series/GSE1nnn/GSE1298/soft/GSE1298_family.soft.gz"
    assert requests.get(wrong_stub, timeout=10).status_code == 404
    assert requests.get(not_held, timeout=10).status_code == 404
