"""MINiML: a bare family XML is packed into GEO's ``_family.xml.tgz``; a held tgz is sent as it is."""

from __future__ import annotations

import io
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.harvester.geo.urls import miniml_url
from rnacorpus.mirror import MirrorServer


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Iterator[MirrorServer]:
    with MirrorServer(corpus) as server:
        yield server


def tgz(server: MirrorServer, accession: str) -> requests.Response:
    return requests.get(miniml_url(accession, dict.fromkeys(ARCHIVE_HOSTS, server.url)), timeout=10)


def test_a_bare_family_xml_is_packed_as_geo_does(mirror: MirrorServer, corpus: Path) -> None:
    response = tgz(mirror, "GSE730")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-gzip"
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
        assert archive.getnames() == ["GSE730_family.xml"]
        member = archive.extractfile("GSE730_family.xml")
        assert member is not None
        assert member.read() == (corpus / "geo/miniml/GSE730_family.xml").read_bytes()
    assert tgz(mirror, "GSE730").content == response.content, "same bytes (and ETag) every time"


def test_documents_that_are_not_a_family_are_not_packed(mirror: MirrorServer) -> None:
    assert tgz(mirror, "GSE180363").status_code == 404  # a series record only (acc.cgi targ=self)
    assert tgz(mirror, "GSE171682").status_code == 404  # samples without their series


def test_a_held_tgz_is_sent_unchanged(tmp_path: Path) -> None:
    payload = io.BytesIO()
    with tarfile.open(fileobj=payload, mode="w:gz") as archive:
        data = b"<MINiML/>"
        info = tarfile.TarInfo("GSE42_family.xml")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    (tmp_path / "GSE42_family.xml.tgz").write_bytes(payload.getvalue())
    with MirrorServer(tmp_path) as server:
        assert tgz(server, "GSE42").content == payload.getvalue()


def test_a_renamed_family_xml_is_still_found(tmp_path: Path, corpus: Path) -> None:
    shutil.copy(corpus / "geo/miniml/GSE730_family.xml", tmp_path / "download (3).xml")
    with MirrorServer(tmp_path) as server:
        response = tgz(server, "GSE730")
    assert response.status_code == 200
