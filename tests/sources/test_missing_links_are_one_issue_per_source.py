"""A study naming many records another archive does not hold gets one issue per source, counting
them and naming the first few — not one issue per record (a 2,000-sample series with retired
BioSamples would otherwise bury its real issues) — and what the archive does hold is still merged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.config import Config
from rnacorpus.harvester.base import get_source
from rnacorpus.harvester.enrich import enrich_bundle
from rnacorpus.harvester.http import HttpClient
from rnacorpus.mirror import MirrorServer
from rnacorpus.schemas import CrossRef
from tests.builders import make_bundle
from tests.conftest import mirror_config

HELD = "SAMD00004104"
MISSING = [f"SAMN0000000{i}" for i in range(1, 6)]


@pytest.fixture
def client(corpus_mirror: MirrorServer, tmp_path: Path) -> Iterator[tuple[HttpClient, Config]]:
    config = mirror_config(tmp_path, corpus_mirror.url)
    with HttpClient(config) as http:
        yield http, config


def test_five_missing_biosamples_are_one_issue_and_the_held_one_is_merged(
    client: tuple[HttpClient, Config],
) -> None:
    http, config = client
    names = [f"GSM{i}" for i in range(1, 7)]
    bundle = make_bundle("GSE1", names)
    for sample, accession in zip(bundle.samples, [HELD, *MISSING], strict=True):
        sample.xrefs.append(CrossRef(db="BioSample", accession=accession, relation="BioSample"))
    enrich_bundle(bundle, [get_source("biosamples", http, config)])
    (issue,) = [i for i in bundle.issues if i.code == "biosamples_link_failed"]
    assert "5 of 6 records" in issue.message and issue.accession == MISSING[0]
    assert all(a in issue.message for a in MISSING[:3]) and "and 2 more" in issue.message
    assert MISSING[3] not in issue.message
    assert {c.sample_accession for c in bundle.external_characteristics} == {"GSM1"}
