"""Characteristic keys as submitters write them → harmonized fields."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import detect_key
from rnacorpus.harmonize.ontology.fields import normalize_key


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("tissue", "tissue"),
        ("tissue type", "tissue"),
        ("organism part", "tissue"),
        ("OrganismPart", "tissue"),
        ("Characteristics [OrganismPart]", "tissue"),
        ("body site", "tissue"),
        ("cancer site", "tissue"),
        ("brain region", "tissue"),
        ("source_name", "source"),
        (None, "source"),
        ("sample type", "source"),
        ("cell type", "cell_type"),
        ("celltype", "cell_type"),
        ("CellType", "cell_type"),
        ("cell population", "cell_type"),
        ("cell line", "cell_line"),
        ("CellLine", "cell_line"),
        ("disease state", "disease"),
        ("disease", "disease"),
        ("diagnosis", "disease"),
        ("DiseaseState", "disease"),
        ("tumor type", "disease"),
        ("status", "status"),
        ("condition", "status"),
        ("Sex", "sex"),
        ("gender", "sex"),
        ("age (yrs)", "age"),
        ("Age", "age"),
        ("donor age", "age"),
        ("age at diagnosis", "age"),
        ("developmental stage", "development_stage"),
        ("dev_stage", "development_stage"),
        ("Stage", "development_stage"),
        ("strain", "strain"),
        ("StrainOrLine", "strain"),
        ("strain background", "strain"),
        ("genotype", "genotype"),
        ("genotype/variation", "genotype"),
        ("treatment", "treatment"),
        ("treated with", "treatment"),
        ("infection", "treatment"),
        ("organism", "organism"),
        ("common name", "organism"),
    ],
)
def test_keys_to_fields(key: str | None, kind: str) -> None:
    assert detect_key(key).kind == kind


@pytest.mark.parametrize(
    "key",
    [
        "chip antibody", "donor id", "patient id", "individual", "time point", "TimeUnit",
        "EventFreeSurvival", "DiseaseStaging", "tumor stage", "disease stage", "grade", "batch", "replicate",
        "passages", "molecule subtype", "rna subtype", "sample name", "title", "ENA-FIRST-PUBLIC",
        "smoking status",
    ],
)  # fmt: skip
def test_keys_that_feed_no_field(key: str) -> None:
    info = detect_key(key)
    assert info.kind == "none" and info.reason


@pytest.mark.parametrize(
    ("key", "unit"),
    [
        ("age (yrs)", "year"),
        ("age (months)", "month"),
        ("age_years", "year"),
        ("Age(y)", "year"),
        ("age (wks)", "week"),
        ("age in days", "day"),
        ("gestational age (weeks)", "gestational week"),
        ("embryonic day", "embryonic day"),
        ("age", None),
    ],
)
def test_the_key_can_carry_the_age_unit(key: str, unit: str | None) -> None:
    assert detect_key(key).age_unit == unit


def test_primary_field_comes_first() -> None:
    assert detect_key("tissue").fields[0] == "tissue" and "disease" in detect_key("tissue").fields
    assert detect_key("disease state").fields == ("disease", "tissue")
    assert detect_key("Sex").fields == ("sex",)


def test_key_normalization() -> None:
    assert normalize_key("IndividualGeneticCharacteristics") == "individual genetic characteristics"
    assert normalize_key("age_(yrs)") == "age yrs"
    assert normalize_key("Characteristics [DevelopmentalStage]") == "developmental stage"
