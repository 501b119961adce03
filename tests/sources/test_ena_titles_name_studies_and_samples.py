"""ENA's own titles name what it alone brings: a study harvested from ENA takes the ``study_title``
its runs state, each of its samples the ``sample_title`` (its alias only where no title is stated) —
from a portal report (real fetchngs file) and from SRA XML (a STUDY's STUDY_TITLE, a SAMPLE's TITLE)."""

from __future__ import annotations

import csv

from rnacorpus.catalog.identity_rows import run_rows
from rnacorpus.harvester.ena.filereport import READ_RUN_FIELDS, parse_filereport
from rnacorpus.harvester.ena.source import bundle_from_runs
from rnacorpus.harvester.ena.sra_xml import read_sra_xml
from rnacorpus.schemas import SequencingRun
from tests.conftest import corpus_root


def test_the_portal_fields_asked_for_include_both_titles() -> None:
    assert {"study_title", "sample_title"} <= set(READ_RUN_FIELDS)


def test_a_portal_report_titles_the_study_and_its_samples() -> None:
    path = corpus_root() / "ena" / "portal_api" / "SRR13191702.runinfo.tsv"
    text = path.read_text(encoding="utf-8")
    (row,) = list(csv.DictReader(text.splitlines(), delimiter="\t"))
    runs = parse_filereport(text)
    bundle = bundle_from_runs(row["secondary_study_accession"], runs)
    assert bundle.study.title == row["study_title"]
    assert [s.title for s in bundle.samples] == [row["sample_title"]]
    assert row["sample_title"] != row["sample_alias"]


def test_sra_xml_titles_come_from_the_study_and_sample_records() -> None:
    path = corpus_root() / "sra" / "sra_test.xml"
    records = read_sra_xml(path)
    assert records.runs
    for run in records.runs:
        sample = records.samples[run.secondary_sample_accession or ""]
        study = records.studies[run.secondary_study_accession or ""]
        assert run.sample_title == sample.title and run.study_title == study.title
        assert run.study_title  # every study of this package states one


def test_a_sample_without_a_title_keeps_its_alias() -> None:
    run = SequencingRun(run_accession="SRR1", sample_accession="SAMN1", sample_alias="liver_1")
    assert bundle_from_runs("SRP1", [run]).samples[0].title == "liver_1"


def test_titles_stay_on_the_records_not_on_each_run_row() -> None:
    run = SequencingRun(run_accession="SRR1", sample_accession="SAMN1", study_title="A study", sample_title="s1")
    (row,) = run_rows(bundle_from_runs("SRP1", [run]))
    assert "study_title" not in row and "sample_title" not in row
