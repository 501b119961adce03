"""Every ENA, SRA and BioSamples file of the shared corpus parses with the reader for its format —
or, where MANIFEST.tsv says the file is an error body, fails with a clear not-found error. Expected
counts come from a plain scan of each file's text, not from the readers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rnacorpus.errors import NotFoundError
from rnacorpus.harvester.biosamples.records import parse_biosample_json, parse_biosample_xml
from rnacorpus.harvester.ena.filereport import parse_filereport, parse_portal_json, runs_from_records
from rnacorpus.harvester.ena.sra_xml import read_sra_xml
from tests.conftest import CorpusFile, load_manifest

FILES = sorted(
    {e.rel: e for e in load_manifest() if e.rel.split("/")[0] in ("ena", "sra", "biosamples")}.values(),
    key=lambda e: e.rel,
)


def error_body(entry: CorpusFile) -> bool:
    return "ERROR BODY" in entry.notes


def naive_count(text: str, element: str) -> int:
    return len(re.findall(rf"<{element}\s[^>]*\baccession=", text))


@pytest.mark.parametrize(
    "entry", [e for e in FILES if e.format == "xml" and e.rel != "biosamples/biosample.xml"], ids=lambda e: e.rel
)
def test_sra_and_ena_xml(entry: CorpusFile) -> None:
    if error_body(entry):
        with pytest.raises(NotFoundError, match="not found"):
            read_sra_xml(entry.path)
        return
    text = entry.path.read_text(encoding="utf-8")
    records = read_sra_xml(entry.path)
    assert len(records.runs) == naive_count(text, "RUN")
    assert len(records.experiments) == naive_count(text, "EXPERIMENT")
    assert len(records.samples) == len(set(re.findall(r"<SAMPLE\s[^>]*\baccession=\"([^\"]+)\"", text)))
    for run in records.runs:
        assert run.run_accession in text and run.experiment_accession and run.experiment_accession in text
    if "EXPERIMENT_PACKAGE_SET" in text:  # a package joins every run to its BioSample and BioProject
        assert all(run.sample_accession and run.study_accession for run in records.runs)


@pytest.mark.parametrize("entry", [e for e in FILES if e.format == "tsv"], ids=lambda e: e.rel)
def test_portal_tsv(entry: CorpusFile) -> None:
    text = entry.path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    runs = parse_filereport(text)
    assert [run.run_accession for run in runs] == [line.split("\t")[0] for line in lines[1:]]
    header = lines[0].split("\t")
    for run, line in zip(runs, lines[1:], strict=True):
        cells = dict(zip(header, line.split("\t"), strict=False))
        for field in ("fastq_ftp", "fastq_md5", "submitted_ftp"):
            if field in cells:
                assert getattr(run, field) == [x for x in cells[field].split(";") if x]
        if cells.get("fastq_bytes"):
            assert sum(run.fastq_bytes) == sum(int(x) for x in cells["fastq_bytes"].split(";"))


@pytest.mark.parametrize(
    "entry", [e for e in FILES if e.format == "json" and e.rel.startswith("ena/")], ids=lambda e: e.rel
)
def test_portal_json(entry: CorpusFile) -> None:
    raw = json.loads(entry.path.read_bytes())
    records = parse_portal_json(entry.path.read_bytes())
    assert len(records) == len(raw)
    runs = runs_from_records(records)
    assert len(runs) == sum(1 for item in raw if item.get("run_accession"))
    if runs:
        assert runs[0].run_accession == raw[0]["run_accession"]
        assert runs[0].tax_id == int(raw[0]["tax_id"])


def test_biosamples_json() -> None:
    entry = next(e for e in FILES if e.rel == "biosamples/SAMD00004104.json")
    doc = json.loads(entry.path.read_bytes())
    record = parse_biosample_json(entry.path.read_bytes())
    assert record.accession == "SAMD00004104" and record.tax_id == 9031 and record.organism == "Gallus gallus"
    assert len(record.characteristics) == sum(len(v) for v in doc["characteristics"].values())
    assert record.links == ["DRS001521"]
    organism = next(c for c in record.characteristics if c.key == "organism")
    assert organism.term_ids == ["http://purl.obolibrary.org/obo/NCBITaxon_9031"]


def test_biosample_xml() -> None:
    entry = next(e for e in FILES if e.rel == "biosamples/biosample.xml")
    text = entry.path.read_text(encoding="utf-8")
    (record,) = parse_biosample_xml(entry.path.read_bytes())
    assert record.accession == "SAMN03502652" and record.tax_id == 9606
    assert len(record.characteristics) == text.count("<Attribute ")
    assert ("body site", "Saliva") in {(c.key, c.value) for c in record.characteristics}


def test_every_corpus_file_of_these_archives_is_covered() -> None:
    covered = {e.rel for e in FILES if e.format in ("xml", "tsv") or e.format == "json"}
    assert covered == {e.rel for e in FILES}
    assert Path(FILES[0].path).exists()
