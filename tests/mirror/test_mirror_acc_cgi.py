"""acc.cgi answers from held records, or from blocks cut out of a family SOFT / MINiML document."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.harvester.geo.urls import acc_cgi_url
from rnacorpus.mirror import MirrorServer


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Iterator[MirrorServer]:
    with MirrorServer(corpus) as server:
        yield server


def acc(server: MirrorServer, accession: str, **query: str) -> requests.Response:
    return requests.get(acc_cgi_url(accession, hosts=dict.fromkeys(ARCHIVE_HOSTS, server.url), **query), timeout=10)


def entities(text: str) -> list[str]:
    return [line.split("=", 1)[0].strip() for line in text.splitlines() if line.startswith("^")]


def test_targ_self_answers_the_held_series_record(mirror: MirrorServer, corpus: Path) -> None:
    response = acc(mirror, "GSE146583", targ="self", form="text", view="full")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.content == (corpus / "geo/acc_cgi/GSE146583/GSE.soft").read_bytes()


def test_targ_gsm_answers_the_series_samples(mirror: MirrorServer, corpus: Path) -> None:
    response = acc(mirror, "GSE146583", targ="gsm", form="text", view="full")
    assert response.content == (corpus / "geo/acc_cgi/GSE146583/GSM.soft").read_bytes()
    sub = acc(mirror, "GSE146540", targ="gsm", form="text", view="full")
    assert entities(sub.text) == ["^SAMPLE"] * 6


def test_records_are_cut_out_of_a_family_soft(mirror: MirrorServer) -> None:
    series = acc(mirror, "GSE1299", targ="self", form="text", view="brief")
    samples = acc(mirror, "GSE1299", targ="gsm", form="text", view="brief")
    platforms = acc(mirror, "GSE1299", targ="gpl", form="text", view="brief")

    assert entities(series.text) == ["^SERIES"]
    assert "!Series_title = Breast Cancer Cell Line Experiment" in series.text
    assert entities(samples.text) == ["^SAMPLE"] * 22
    assert entities(platforms.text) == ["^PLATFORM"] * 4
    assert "_table_begin" not in samples.text, "view=brief leaves data tables out"


def test_view_full_keeps_the_data_tables(mirror: MirrorServer, corpus: Path) -> None:
    full = acc(mirror, "GSE1299", targ="all", form="text", view="full")
    family = gzip.decompress((corpus / "geo/soft/GSE1299_family.soft.gz").read_bytes()).decode()
    start = family.index("^SERIES")
    assert full.text.replace("\r", "") == family[start:].replace("\r", "")


def test_a_sample_or_platform_alone(mirror: MirrorServer, corpus: Path) -> None:
    from_family = acc(mirror, "GSM21236", targ="self", form="text", view="brief")
    from_own_file = acc(mirror, "GSM11805", targ="self", form="text", view="full")
    platform = acc(mirror, "GPL96", targ="self", form="text", view="brief")

    assert entities(from_family.text) == ["^SAMPLE"] and "GSM21236" in from_family.text.splitlines()[0]
    assert from_own_file.content == gzip.decompress((corpus / "geo/gsm/GSM11805.txt.gz").read_bytes())
    assert platform.text.startswith("^PLATFORM = GPL96")


def test_a_sample_of_an_acc_cgi_sample_set(mirror: MirrorServer) -> None:
    response = acc(mirror, "GSM4391934", targ="self", form="text", view="brief")
    assert response.status_code == 200
    assert response.text.startswith("^SAMPLE = GSM4391934")
    assert entities(response.text) == ["^SAMPLE"]


def test_miniml_answers(mirror: MirrorServer, corpus: Path) -> None:
    held = acc(mirror, "GSE180363", targ="self", form="xml", view="brief")
    cut = acc(mirror, "GSE730", targ="self", form="xml", view="brief")
    samples = acc(mirror, "GSE730", targ="gsm", form="xml", view="brief")

    assert held.content == (corpus / "geo/miniml/GSE180363.miniml.xml").read_bytes()
    assert held.headers["Content-Type"].startswith("text/xml")
    assert '<Series iid="GSE730">' in cut.text and "<Platform" not in cut.text
    assert cut.text.count('<Sample iid="') == 3 and cut.text.rstrip().endswith("</MINiML>")
    assert "<Series" not in samples.text and samples.text.count('<Sample iid="') == 3


def test_unknown_records_get_geos_not_found_answer(mirror: MirrorServer) -> None:
    response = acc(mirror, "GSE999999999", targ="self", form="text", view="brief")
    assert response.status_code == 404
    assert 'Could not find a public or private accession "GSE999999999"' in response.text
    assert acc(mirror, "GSM1", targ="self", form="text", view="brief").status_code == 404
    assert acc(mirror, "NOTANACC", targ="self", form="text", view="brief").status_code == 404


def test_a_series_held_only_as_a_matrix_still_has_a_record(mirror: MirrorServer) -> None:
    response = acc(mirror, "GSE64489", targ="self", form="text", view="brief")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert lines[0] == "^SERIES = GSE64489"
    assert "!Series_last_update_date = May 15 2019" in lines
    assert len([line for line in lines if line.startswith("!Series_sample_id = GSM")]) == 53
