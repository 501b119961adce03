"""esummary (db=gds): recorded documents replayed, others synthesized in the real service's shape."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from rnacorpus.mirror import MirrorServer


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Iterator[MirrorServer]:
    with MirrorServer(corpus) as server:
        yield server


def esummary_raw(server: MirrorServer, **params: str) -> requests.Response:
    return requests.get(f"{server.url}/entrez/eutils/esummary.fcgi", params=params, timeout=10)


def esummary(server: MirrorServer, ids: str) -> dict[str, Any]:
    response = esummary_raw(server, db="gds", id=ids, retmode="json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    result: dict[str, Any] = response.json()["result"]
    return result


def test_a_recorded_summary_is_replayed(mirror: MirrorServer, corpus: Path) -> None:
    response = esummary_raw(mirror, db="gds", id="200093374", retmode="json")
    assert response.content == (corpus / "eutils/GSE93374_summary.txt").read_bytes()


def test_a_synthesized_series_summary_has_the_recorded_shape(mirror: MirrorServer, corpus: Path) -> None:
    recorded = json.loads((corpus / "eutils/GSE93374_summary.txt").read_text())["result"]["200093374"]
    result = esummary(mirror, "200001299")
    doc = result["200001299"]

    assert result["uids"] == ["200001299"]
    assert list(doc) == list(recorded), "same fields in the same order as the real service"
    assert {key: type(value) for key, value in doc.items()} == {key: type(value) for key, value in recorded.items()}
    assert doc["uid"] == "200001299" and doc["accession"] == "GSE1299" and doc["entrytype"] == "GSE"
    assert (doc["gse"], doc["gpl"], doc["taxon"]) == ("1299", "91;96;97;875", "Homo sapiens")
    assert (doc["pdat"], doc["n_samples"]) == ("2004/04/13", 22)
    assert doc["title"] == "Breast Cancer Cell Line Experiment"
    assert doc["samples"][0] == {
        "accession": "GSM21236",
        "title": "Breast Cancer cells MDA-MB-436 replicate 1 95A",
    }
    assert doc["ftplink"] == "ftp://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE1299/"
    assert doc["pubmedids"] == ["15161944"]


def test_series_relations_and_sequencing_fields(mirror: MirrorServer) -> None:
    doc = esummary(mirror, "200063966")["200063966"]
    assert doc["gdstype"] == "Expression profiling by high throughput sequencing"
    assert doc["bioproject"] == "PRJNA269624"
    assert doc["extrelations"] == [
        {
            "relationtype": "SRA",
            "targetobject": "SRP050954",
            "targetftplink": "ftp://ftp-trace.ncbi.nlm.nih.gov/sra/sra-instant/reads/ByStudy/sra/SRP/SRP050/SRP050954/",
        }
    ]
    several = esummary(mirror, "200235534")["200235534"]
    assert several["gdstype"].split("; ") == [
        "Expression profiling by high throughput sequencing",
        "Genome binding/occupancy profiling by high throughput sequencing",
        "Other",
    ]


def test_samples_and_platforms_have_documents_too(mirror: MirrorServer) -> None:
    result = esummary(mirror, "300021236,100000096")
    sample, platform = result["300021236"], result["100000096"]
    assert (sample["entrytype"], sample["accession"], sample["gse"], sample["gpl"]) == (
        "GSM",
        "GSM21236",
        "1299",
        "91",
    )
    assert sample["seriestitle"] == "Breast Cancer Cell Line Experiment"
    assert (platform["entrytype"], platform["accession"], platform["taxon"]) == (
        "GPL",
        "GPL96",
        "Homo sapiens",
    )


def test_recorded_and_synthesized_documents_mix_in_one_answer(mirror: MirrorServer) -> None:
    result = esummary(mirror, "200093374,200002122,999")
    assert result["uids"] == ["200093374", "200002122", "999"]
    assert result["200093374"]["bioproject"] == "PRJNA360829"  # from the recording
    assert result["200002122"]["accession"] == "GSE2122"
    assert result["999"] == {"uid": "999", "error": "cannot get document summary"}


def test_xml_summaries(mirror: MirrorServer) -> None:
    synthesized = ET.fromstring(esummary_raw(mirror, db="gds", id="200002122").content)
    recorded = ET.fromstring(esummary_raw(mirror, db="gds", id="200021230").content)

    [docsum] = synthesized.iterfind("DocSum")
    items = {item.get("Name"): item.text for item in docsum.iterfind("Item")}
    assert docsum.findtext("Id") == "200002122"
    assert (items["Accession"], items["entryType"], items["taxon"]) == ("GSE2122", "GSE", "Mus musculus")
    assert recorded.findtext("DocSum/Id") == "200021230"


def test_errors_look_like_the_real_service(mirror: MirrorServer) -> None:
    bad_db = esummary_raw(mirror, db="nosuchdb", id="1", retmode="json").json()
    no_ids = esummary_raw(mirror, db="gds", retmode="json").json()
    bad_history = esummary_raw(mirror, db="gds", retmode="json", query_key="1", WebEnv="MCID_nope").json()

    assert bad_db["error"] == "Invalid db name specified: nosuchdb"
    assert no_ids["esummaryresult"] == ["Empty id list - nothing todo"]
    assert bad_history["esummaryresult"] == ["Unable to obtain query #1"]
