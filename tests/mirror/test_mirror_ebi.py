"""EBI paths (ArrayExpress/BioStudies, ENA, BioSamples) answered by file name from the same folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.mirror import MirrorServer

EBI = ARCHIVE_HOSTS["ebi"]


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Iterator[MirrorServer]:
    with MirrorServer(corpus) as server:
        yield server


def get(server: MirrorServer, real_url: str) -> requests.Response:
    """Fetch a real archive URL from the mirror, as ``--mirror`` does: same path and query."""
    assert real_url.startswith(EBI)
    return requests.get(server.url + real_url.removeprefix(EBI), timeout=10)


@pytest.mark.parametrize(
    ("real_url", "file"),
    [
        (f"{EBI}/ena/browser/api/xml/SRP048683", "ena/browser_xml/SRP048683.xml"),
        (f"{EBI}/ena/browser/api/xml/SRP178136", "ena/browser_xml/SRP178136.txt"),
        (f"{EBI}/ena/browser/api/xml/SRX5692097", "ena/browser_xml/SRX5692097_xml.txt"),
        (
            f"{EBI}/ena/portal/api/filereport?accession=ERR2534072&result=read_run",
            "ena/portal_api/filereport_ERR2534072_read_run.tsv",
        ),
        (f"{EBI}/biosamples/samples/SAMD00004104", "biosamples/SAMD00004104.json"),
        (f"{EBI}/arrayexpress/json/v3/experiments/E-MTAB-3050", "arrayexpress/json_v3/E-MTAB-3050.json"),
        (
            f"{EBI}/arrayexpress/json/v3/experiments/E-MTAB-3050/protocols",
            "arrayexpress/json_v3/E-MTAB-3050_protocols.json",
        ),
        (
            f"{EBI}/biostudies/files/E-MTAB-3050/E-MTAB-3050.idf.txt",
            "arrayexpress/magetab/E-MTAB-3050.idf.txt",
        ),
        (
            f"{EBI}/biostudies/files/E-GEOD-44719/E-GEOD-44719.sdrf.txt",
            "arrayexpress/magetab/E-GEOD-44719.sdrf.txt",
        ),
    ],
)
def test_ebi_urls_answer_the_named_file(mirror: MirrorServer, corpus: Path, real_url: str, file: str) -> None:
    response = get(mirror, real_url)
    assert response.status_code == 200
    assert response.content == (corpus / file).read_bytes()


def test_content_types(mirror: MirrorServer) -> None:
    assert get(mirror, f"{EBI}/ena/browser/api/xml/SRP178136").headers["Content-Type"] == "application/xml"
    assert get(mirror, f"{EBI}/biosamples/samples/SAMD00004104").headers["Content-Type"] == "application/json"


def test_a_recorded_error_is_replayed_with_its_status(mirror: MirrorServer, corpus: Path) -> None:
    response = get(mirror, f"{EBI}/ena/browser/api/xml/ERP006216")
    assert response.status_code == 404
    assert response.content == (corpus / "ena/browser_xml/ERP006216.xml").read_bytes()


def test_unknown_records_are_not_found(mirror: MirrorServer) -> None:
    assert get(mirror, f"{EBI}/ena/browser/api/xml/SRP000000").status_code == 404
    assert get(mirror, f"{EBI}/biostudies/files/E-MTAB-1/E-MTAB-1.idf.txt").status_code == 404


def test_the_biostudies_file_tree(tmp_path: Path) -> None:
    (tmp_path / "E-MTAB-3050.processed.zip").write_bytes(b"PK zip")
    with MirrorServer(tmp_path) as server:
        response = get(server, f"{EBI}/biostudies/fire/E-MTAB-/050/E-MTAB-3050/Files/E-MTAB-3050.processed.zip")
    assert response.content == b"PK zip"
