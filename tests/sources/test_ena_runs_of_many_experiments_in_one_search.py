"""A study naming its runs sample by sample (an SRX per sample, no SRA study) gets them from ENA by
OR'ed portal searches, a chunk of experiments or runs per request, instead of one filereport each —
and the same runs, links, filled fields and issues as one filereport per reference; an experiment ENA
holds no runs for gets the same ``ena_no_runs`` issue either way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rnacorpus.harvester.base import get_source
from rnacorpus.harvester.ena import batch
from rnacorpus.harvester.enrich import enrich_bundle
from rnacorpus.harvester.http import HttpClient
from rnacorpus.schemas import CrossRef, StudyBundle
from tests.builders import make_bundle
from tests.conftest import corpus_root, mirror_config
from tests.sources.generated_enrichment import CountingMirror, counting_mirror

UNKNOWN = "SRX99999999"


def corpus_experiments() -> list[str]:
    text = (corpus_root() / "sra" / "sra_test.xml").read_text(encoding="utf-8")
    return list(dict.fromkeys(re.findall(r'<EXPERIMENT [^>]*accession="(SRX\d+)"', text)))[:40]


def enrich(mirror: CountingMirror, folder: Path, *, batch_lookups: bool) -> StudyBundle:
    named = [*corpus_experiments(), UNKNOWN, "SRR5026589"]
    bundle = make_bundle("GSE1", [f"GSM{n}" for n in range(len(named))])
    for sample, accession in zip(bundle.samples, named, strict=True):
        sample.xrefs.append(CrossRef(db="SRA", accession=accession, relation="SRA"))
        sample.library_strategy = None
    mirror.paths.clear()
    config = mirror_config(folder, mirror.url, batch_lookups=batch_lookups)
    with HttpClient(config) as http:
        enrich_bundle(bundle, [get_source("ena", http, config)])
    return bundle


def test_runs_of_42_references_in_three_searches_are_those_of_42_filereports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "CHUNK", 20)
    with counting_mirror(corpus_root()) as mirror:
        batched = enrich(mirror, tmp_path / "batched", batch_lookups=True)
        searches = dict(mirror.paths)
        one_by_one = enrich(mirror, tmp_path / "single", batch_lookups=False)
        filereports = dict(mirror.paths)
    assert searches == {"/ena/portal/api/search": 3}
    assert filereports == {"/ena/portal/api/filereport": 42}

    def runs(bundle: StudyBundle) -> list[dict[str, object]]:
        return [r.model_dump(exclude={"source_file"}) for r in bundle.runs]

    assert len(batched.runs) >= 40 and runs(batched) == runs(one_by_one)
    assert [s.model_dump() for s in batched.samples] == [s.model_dump() for s in one_by_one.samples]
    assert batched.issues == one_by_one.issues
    assert any(i.code == "ena_no_runs" and UNKNOWN in i.message for i in batched.issues)
    assert {r.source_file for r in batched.runs} >= {"ENA search run_accession=SRR5026589"}
