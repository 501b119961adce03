"""Other archives' records join a study's samples only through accessions both state: runs and
BioSamples attach to the one sample they name; a record naming none or two is kept apart, reported."""

from __future__ import annotations

from rnacorpus.harvester.biosamples.records import BioSampleRecord
from rnacorpus.harvester.biosamples.source import bundle_from_record
from rnacorpus.harvester.ena.source import bundle_from_runs
from rnacorpus.harvester.enrich import merge_records
from rnacorpus.schemas import CrossRef, ExternalCharacteristic, SequencingRun
from tests.builders import make_bundle


def study():  # type: ignore[no-untyped-def]
    bundle = make_bundle("GSE10", ["GSM1", "GSM2", "GSM3"])
    bundle.samples[0].xrefs += [CrossRef(db="SRA", accession="SRX1", relation="SRA")]
    bundle.samples[1].library_strategy = None
    bundle.samples[2].xrefs += [CrossRef(db="SRA", accession="SRX3", relation="SRA")]
    return bundle


def run(accession: str, **fields: str) -> SequencingRun:
    return SequencingRun(run_accession=accession, library_strategy="RNA-Seq", instrument_model="HiSeq", **fields)


def test_runs_attach_to_the_sample_they_name() -> None:
    bundle = study()
    ena = bundle_from_runs(
        "SRP1",
        [
            run("SRR1", experiment_accession="SRX1", sample_accession="SAMN1", secondary_sample_accession="SRS1"),
            run("SRR2", experiment_accession="SRX2", sample_accession="SAMN2", experiment_alias="GSM2"),
            run("SRR9", experiment_accession="SRX9", sample_accession="SAMN9"),
        ],
    )
    merge_records(bundle, ena, source="ena")
    assert {r.run_accession: r.catalog_sample for r in bundle.runs} == {"SRR1": "GSM1", "SRR2": "GSM2", "SRR9": None}
    gsm1 = {x.accession for x in bundle.samples[0].xrefs}
    assert {"SRX1", "SRR1", "SAMN1", "SRS1"} <= gsm1
    assert bundle.samples[1].library_strategy == "RNA-Seq" and bundle.samples[1].instrument_model == "HiSeq"
    assert [i.code for i in bundle.issues] == ["ena_record_unmatched"] and "SAMN9" in bundle.issues[0].message


def test_a_record_naming_two_samples_is_kept_apart() -> None:
    bundle = study()
    ena = bundle_from_runs(
        "SRP1",
        [
            run("SRR5", experiment_accession="SRX1", sample_accession="SAMN5"),
            run("SRR6", experiment_accession="SRX3", sample_accession="SAMN5"),
        ],
    )
    merge_records(bundle, ena, source="ena")
    assert [i.code for i in bundle.issues] == ["ena_record_ambiguous"]
    assert {r.catalog_sample for r in bundle.runs} == {None}


def test_biosample_characteristics_are_kept_with_their_origin() -> None:
    bundle = study()
    bundle.samples[2].xrefs.append(CrossRef(db="BioSample", accession="SAMN3", relation="BioSample"))
    record = BioSampleRecord(
        accession="SAMN3",
        links=["SRS3"],
        characteristics=[
            ExternalCharacteristic(sample_accession="SAMN3", origin="SAMN3", position=1, key="tissue", value="liver"),
            ExternalCharacteristic(
                sample_accession="SAMN3", origin="SAMN3", position=2, key="age", value="4", unit="week"
            ),
        ],
    )
    merge_records(bundle, bundle_from_record(record), source="biosamples")
    assert [(c.sample_accession, c.origin, c.key, c.value, c.unit) for c in bundle.external_characteristics] == [
        ("GSM3", "SAMN3", "tissue", "liver", None),
        ("GSM3", "SAMN3", "age", "4", "week"),
    ]
    assert "SRS3" in {x.accession for x in bundle.samples[2].xrefs}
    assert [c.value for c in bundle.samples[2].characteristics] == ["liver", "22"]  # the study's own, untouched
