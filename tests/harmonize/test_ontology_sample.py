"""A sample → one decision per field (documented conflict rule) → the harmonized ``samples`` columns."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import SAMPLE_FIELD_COLUMNS, annotate_sample, sample_fields
from rnacorpus.harmonize.ontology.sample import characteristic_annotations
from rnacorpus.schemas import Characteristic, Sample


def _sample(*pairs: tuple[str | None, str], **fields: object) -> Sample:
    characteristics = [Characteristic(key=key, value=value) for key, value in pairs]
    return Sample(accession="GSM1", study_accession="GSE1", archive="geo", characteristics=characteristics, **fields)  # type: ignore[arg-type]


def _fields(sample: Sample) -> dict[str, object]:
    return sample_fields(annotate_sample(sample))


def test_one_decision_per_field_with_its_evidence() -> None:
    sample = _sample(
        ("tissue", "Liver"), ("disease state", "HCC"), ("Sex", "F"), ("age", "45 yrs"),
        organism_taxid=9606, source_name="HCC tumor",
    )  # fmt: skip
    annotations = annotate_sample(sample)
    assert len({a.field for a in annotations}) == len(annotations)
    tissue = next(a for a in annotations if a.field == "tissue")
    assert (tissue.raw_key, tissue.raw_value, tissue.term_id) == ("tissue", "Liver", "UBERON:0002107")
    row = sample_fields(annotations)
    assert set(row) == set(SAMPLE_FIELD_COLUMNS)
    assert row["disease_id"] == "MONDO:0007256" and row["sex_id"] == "PATO:0000383"
    assert (row["age_value"], row["age_unit"]) == (45, "year")


def test_a_dedicated_key_beats_a_derived_decision() -> None:
    row = _fields(_sample(("tissue", "lung"), ("source_name", "HCC tumor"), organism_taxid=9606))
    assert row["tissue_id"] == "UBERON:0002048"  # the tissue key, not HCC's liver


def test_a_more_specific_term_from_other_evidence_refines() -> None:
    row = _fields(_sample(("tissue", "brain"), organism_taxid=10090, source_name="adult mouse hippocampus"))
    assert row["tissue_id"] == "UBERON:0002421"


def test_conflicting_evidence_is_named_in_the_reason() -> None:
    annotations = annotate_sample(_sample(("tissue", "liver"), ("organism part", "kidney"), organism_taxid=9606))
    tissue = next(a for a in annotations if a.field == "tissue")
    assert tissue.term_id == "UBERON:0002107" and "kidney" in (tissue.reason or "")


def test_time_unit_characteristic_gives_unitless_ages_their_unit() -> None:
    sample = _sample(("Age", "1424"), ("TimeUnit", "day"), organism_taxid=9606)
    row = _fields(sample)
    assert (row["age_value"], row["age_unit"]) == (1424, "day")
    lone = characteristic_annotations([Characteristic(key="Age", value="1424")], organism="human")
    assert lone[0].method == "unmapped" and lone[0].age_unit is None


def test_cell_line_column_holds_the_name_even_without_an_id() -> None:
    row = _fields(_sample(("cell line", "HPM3"), organism_taxid=9606))
    assert (row["cell_line"], row["cell_line_id"]) == ("HPM3", None)
    row = _fields(_sample(("cell line", "HeLa"), organism_taxid=9606))
    assert (row["cell_line"], row["cell_line_id"], row["tissue_id"]) == (
        "HeLa",
        "CVCL_0030",
        "UBERON:0000002",
    )


def test_assay_from_library_strategy_and_sample_type() -> None:
    assert _fields(_sample(library_strategy="RNA-Seq"))["assay_id"] == "EFO:0008896"
    single = _sample(library_strategy="RNA-Seq", library_source="transcriptomic single cell")
    assert _fields(single)["assay_id"] == "EFO:0008913"
    assert _fields(_sample(sample_type="RNA"))["assay_id"] == "EFO:0002768"
    assert _fields(_sample())["assay_id"] is None


def test_placeholders_leave_columns_empty() -> None:
    row = _fields(_sample(("tissue", "N/A"), ("disease state", "--"), ("age", "unknown"), organism_taxid=9606))
    assert all(row[column] is None for column in SAMPLE_FIELD_COLUMNS)


def test_unmapped_age_never_fills_the_columns() -> None:
    row = _fields(_sample(("age", "45"), organism_taxid=10090))
    assert row["age_value"] is None and row["age_unit"] is None
