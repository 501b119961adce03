"""esearch (db=gds): recorded answers when they answer the request, otherwise synthesized from the
studies held, with Entrez's term grammar, paging and history."""

from __future__ import annotations

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


def esearch_raw(server: MirrorServer, **params: str) -> requests.Response:
    return requests.get(f"{server.url}/entrez/eutils/esearch.fcgi", params=params, timeout=10)


def esearch(server: MirrorServer, term: str, **params: str) -> dict[str, Any]:
    query = {"db": "gds", "term": term, "retmode": "json", "retmax": "500", **params}
    response = esearch_raw(server, **query)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    result: dict[str, Any] = response.json()["esearchresult"]
    return result


def series(result: dict[str, Any]) -> set[str]:
    return {f"GSE{int(uid) - 200_000_000}" for uid in result["idlist"] if uid.startswith("2")}


def test_a_recorded_answer_is_replayed_when_it_answers_the_request(mirror: MirrorServer, corpus: Path) -> None:
    response = esearch_raw(mirror, db="gds", term="GSE93374[ACCN]", retmode="json", retmax="1")
    assert response.content == (corpus / "eutils/GSE93374_search.txt").read_bytes()


def test_a_recorded_page_does_not_answer_a_different_page(mirror: MirrorServer) -> None:
    # the recording holds 1 of 13 ids: a request for 20 must not get it (nor a false count of 13)
    result = esearch(mirror, "GSE93374[ACCN]", retmax="20")
    assert result["count"] == str(len(result["idlist"]))


def test_a_recording_for_another_database_is_replayed_too(mirror: MirrorServer, corpus: Path) -> None:
    response = esearch_raw(mirror, db="taxonomy", term="DANIO_RERIO", field="scin")
    assert response.content == (corpus / "eutils/esearch_taxonomy_DANIO_RERIO.xml").read_bytes()


def test_by_accession_a_series_brings_its_samples_and_platforms(mirror: MirrorServer) -> None:
    everything = esearch(mirror, "GSE1299[GEO Accession]")
    only_series = esearch(mirror, "GSE1299[ACCN] AND gse[ETYP]")

    assert everything["count"] == str(1 + 22 + 4)  # the series, its 22 samples, its 4 platforms
    assert {"200001299", "300021236", "100000096"} <= set(everything["idlist"])
    assert only_series["idlist"] == ["200001299"]
    assert only_series["querytranslation"] == "GSE1299[GEO Accession] AND gse[Entry Type]"
    assert [e for e in only_series["translationstack"] if isinstance(e, str)] == ["AND"]


def test_by_organism(mirror: MirrorServer) -> None:
    mouse = series(esearch(mirror, '"Mus musculus"[ORGN] AND gse[ETYP]'))
    human = series(esearch(mirror, 'gse[ETYP] AND "human"[Organism]'))

    assert {"GSE2122", "GSE7774", "GSE11897", "GSE71229", "GSE99709", "GSE64489", "GSE105845"} <= mouse
    assert {"GSE1299", "GSE63966", "GSE164073", "GSE235534"} <= human
    assert not mouse & {"GSE1299", "GSE63966", "GSE164073"}
    assert "GSE146583" in mouse & human  # human and mouse samples


def test_by_publication_date_range_with_paging_and_history(mirror: MirrorServer) -> None:
    term = 'gse[ETYP] AND ("2015/01/01"[PDAT] : "2021/12/31"[PDAT])'
    full = esearch(mirror, term)
    expected = {"GSE63966", "GSE71229", "GSE64489", "GSE99709", "GSE105845", "GSE164073", "GSE138657"}
    assert expected | {"GSE146540", "GSE146583", "GSE180363"} == series(full)

    head = esearch(mirror, term, usehistory="y", retmax="0")
    assert (head["count"], head["retmax"], head["idlist"]) == (full["count"], "0", [])
    assert head["querykey"] == "1" and head["webenv"]

    pages = [esearch(mirror, term, retstart=str(start), retmax="3")["idlist"] for start in range(0, 12, 3)]
    assert [uid for page in pages for uid in page] == full["idlist"]
    assert [len(page) for page in pages] == [3, 3, 3, 1]

    summaries = []
    for start in range(0, 12, 4):
        params = {"db": "gds", "retmode": "json", "query_key": "1", "WebEnv": head["webenv"]}
        reply = requests.get(
            f"{mirror.url}/entrez/eutils/esummary.fcgi",
            params={**params, "retstart": str(start), "retmax": "4"},
        )
        summaries += reply.json()["result"]["uids"]
    assert summaries == full["idlist"]


def test_by_update_date_finds_what_changed(mirror: MirrorServer) -> None:
    updated_2019 = series(esearch(mirror, '"2019/01/01"[MDAT] : "2019/12/31"[MDAT] AND gse[ETYP]'))
    # GSE99709's matrix says Oct 2018 but its acc.cgi record May 2019: the newest date counts
    assert updated_2019 == {"GSE63966", "GSE71229", "GSE99709", "GSE64489"}


def test_boolean_operators_and_free_text(mirror: MirrorServer) -> None:
    either = series(esearch(mirror, "(GSE1299[ACCN] OR GSE2122[ACCN]) AND gse[ETYP]"))
    but_not = series(esearch(mirror, 'gse[ETYP] AND "Homo sapiens"[ORGN] NOT GSE1299[ACCN]'))
    asbestos = series(esearch(mirror, "asbestos AND gse[ETYP]"))
    counts = series(esearch(mirror, '"rnaseq counts"[Filter]'))

    assert either == {"GSE1299", "GSE2122"}
    assert "GSE1299" not in but_not and "GSE63966" in but_not
    assert asbestos == {"GSE63966"}
    assert counts == {"GSE63966", "GSE164073"}


def test_post_forms_are_answered_like_gets(mirror: MirrorServer) -> None:
    form = {"db": "gds", "term": "GSE2122[ACCN] AND gse[ETYP]", "retmode": "json"}
    posted = requests.post(f"{mirror.url}/entrez/eutils/esearch.fcgi", data=form, timeout=10)
    assert posted.json()["esearchresult"]["idlist"] == ["200002122"]


def test_xml_is_the_default_format(mirror: MirrorServer) -> None:
    response = esearch_raw(mirror, db="gds", term="GSE2122[ACCN] AND gse[ETYP]", usehistory="y")
    root = ET.fromstring(response.content)
    assert response.headers["Content-Type"].startswith("text/xml")
    assert root.findtext("Count") == "1"
    assert [node.text for node in root.iterfind("IdList/Id")] == ["200002122"]
    assert root.findtext("WebEnv", "").startswith("MCID_")


def test_errors_look_like_the_real_service(mirror: MirrorServer) -> None:
    bad_db = esearch_raw(mirror, db="nosuchdb", term="cancer", retmode="json").json()
    empty = esearch_raw(mirror, db="gds", term="", retmode="json").json()
    bad_field = esearch(mirror, "GSE2122[ACCN] AND x[NoSuchField]")

    assert bad_db["esearchresult"]["ERROR"] == "Invalid db name specified: nosuchdb"
    assert "ERROR" in empty["esearchresult"]
    assert bad_field["errorlist"]["fieldsnotfound"] == ["NoSuchField"]
    assert "200002122" in bad_field["idlist"]
    nothing = esearch(mirror, "GSE123456789[ACCN]")
    assert (nothing["count"], nothing["idlist"]) == ("0", [])
    assert nothing["warninglist"]["outputmessages"] == ["No items found."]
