"""The mirror's BioSamples search (``/biosamples/samples?filter=…``) answers as BioSamples documents it:
an ``acc:`` value with wildcards (regex-style ``.*`` too) or exact, ``dt:update`` windows, ``attr:`` key
and value, every filter given must hold, HAL pages sorted by accession — over the same documents the
per-sample route serves (recorded ``SAM….json`` answers and records written from the corpus's SRA XML)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from rnacorpus.mirror import MirrorServer

RECORDS = {
    "SAMN00000101": ("2020-01-05", "liver"),
    "SAMN00000102": ("2021-03-01", "brain"),
    "SAMN00000199": ("2021-06-01", "liver"),
    "SAMN00000201": ("2021-06-01", "liver"),
    "SAMN000001011": ("2021-06-01", "kidney"),  # one digit longer: a wildcard still matches it
}


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    folder = tmp_path_factory.mktemp("biosamples")
    for accession, (day, tissue) in RECORDS.items():
        doc = {"accession": accession, "name": accession, "update": f"{day}T00:00:00Z",
               "characteristics": {"tissue": [{"text": tissue}]}}  # fmt: skip
        (folder / f"{accession}.json").write_text(json.dumps(doc))
    with MirrorServer(folder) as server:
        yield server


def search(server: MirrorServer, *filters: str, **params: Any) -> dict[str, Any]:
    query = [("filter", f) for f in filters] + list(params.items())
    answer = requests.get(f"{server.url}/biosamples/samples", params=query, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    doc: dict[str, Any] = answer.json()
    return doc


def accessions(doc: dict[str, Any]) -> list[str]:
    return [s["accession"] for s in doc["_embedded"]["samples"]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("SAMN000001.*", ["SAMN00000101", "SAMN000001011", "SAMN00000102", "SAMN00000199"]),
        ("SAMN000001*", ["SAMN00000101", "SAMN000001011", "SAMN00000102", "SAMN00000199"]),
        ("SAMN000001??", ["SAMN00000101", "SAMN00000102", "SAMN00000199"]),
        ("SAMN00000102", ["SAMN00000102"]),
        ("SAMN0000010", []),
    ],
)
def test_the_accession_filter_takes_wildcards_or_one_accession(
    mirror: MirrorServer, value: str, expected: list[str]
) -> None:
    assert accessions(search(mirror, f"acc:{value}", size=50)) == expected


def test_every_filter_must_hold(mirror: MirrorServer) -> None:
    doc = search(mirror, "acc:SAMN000001.*", "dt:update:from=2021-01-01", "attr:tissue:liver", size=50)
    assert accessions(doc) == ["SAMN00000199"]
    assert accessions(search(mirror, "dt:update:until=2020-12-31", size=50)) == ["SAMN00000101"]


def test_pages_follow_the_size_and_say_how_many_there_are(mirror: MirrorServer) -> None:
    pages = [search(mirror, "acc:SAMN00000*", size=2, page=n) for n in range(3)]
    assert [accessions(p) for p in pages] == [
        ["SAMN00000101", "SAMN000001011"],
        ["SAMN00000102", "SAMN00000199"],
        ["SAMN00000201"],
    ]
    assert pages[0]["page"] == {"size": 2, "totalElements": 5, "totalPages": 3, "number": 0}


def test_a_search_page_holds_the_documents_the_per_sample_route_serves(corpus_mirror: MirrorServer) -> None:
    # SRP251352's BioSamples are written from the corpus's SRA XML; SAMD00004104 is a recorded answer
    for value in ("SAMN142129.*", "SAMD00004104"):
        samples = search(corpus_mirror, f"acc:{value}", size=100)["_embedded"]["samples"]
        assert samples
        for sample in samples:
            single = requests.get(f"{corpus_mirror.url}/biosamples/samples/{sample['accession']}", timeout=10)
            assert single.json() == sample
