"""BioSamples characteristics inform harmonization only where the study's own are silent; the study's
decisions are never replaced and both raw sets stay."""

from __future__ import annotations

from rnacorpus.pipeline.external import harmonize_external, is_administrative
from rnacorpus.pipeline.plan import build_load_plan
from rnacorpus.schemas import Characteristic, ExternalCharacteristic
from tests.builders import make_bundle


def test_a_silent_field_is_filled_with_its_origin_and_a_spoken_one_is_kept() -> None:
    bundle = make_bundle("GSE10", ["GSM1", "GSM2"], tissue="brain")
    bundle.samples[0].characteristics = [Characteristic(key="treatment", value="none")]  # says no tissue
    for sample in ("GSM1", "GSM2"):
        bundle.external_characteristics += [
            ExternalCharacteristic(
                sample_accession=sample, origin=f"SAMN{sample[-1]}", position=1, key="tissue", value="liver"
            ),
            ExternalCharacteristic(
                sample_accession=sample,
                origin=f"SAMN{sample[-1]}",
                position=2,
                key="INSDC center name",
                value="Liver Institute",
            ),
        ]
    plan = build_load_plan(bundle, content_sha256="k", run_id="r")
    before = dict(plan.harmonized["GSM2"])
    harmonize_external(bundle, plan)
    assert plan.harmonized["GSM1"]["tissue_label"] == "liver"
    assert plan.harmonized["GSM2"]["tissue_label"] == before["tissue_label"] == "brain"
    rows = next(extra for extra in plan.extra if extra.table == "annotations").rows
    taken = [r for r in rows if r["sample_accession"] == "GSM1" and r["field"] == "tissue"]
    assert len(taken) == 1 and taken[0]["reason"].startswith("from SAMN1 (the study's own characteristics are silent)")
    assert taken[0]["confidence"] < 1.0
    assert not [r for r in rows if r["sample_accession"] == "GSM2" and "SAMN2" in (r["reason"] or "")]


def test_administrative_attributes_are_not_offered_to_harmonization() -> None:
    for key in ("INSDC center name", "External Id", "SRA accession", "sample name", "ENA-CHECKLIST", None):
        assert is_administrative(key)
    for key in ("tissue", "organism part", "disease state", "age"):
        assert not is_administrative(key)
