"""A plain age (45 years, 8 weeks, 400 days) implies the stage whose age span holds it: method
``age_stage``, less sure than a stated stage; a unit-less number in a mouse gives no age at all."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, annotate_sample, get_index, parse_age, sample_fields
from rnacorpus.harmonize.ontology.stage import stage_from_age_span
from rnacorpus.schemas import Characteristic, Sample

HUMAN, MOUSE = 9606, 10090


def _label(text: str, taxid: int, key_unit: str | None = None) -> str | None:
    index = get_index()
    parsed = parse_age(text, taxid=taxid, key_unit=key_unit)
    assert parsed is not None and parsed.parsed
    stage = stage_from_age_span(parsed, taxid, index)
    return index.label(stage) if stage else None


@pytest.mark.parametrize(
    ("text", "taxid", "unit", "label"),
    [
        ("45 years", HUMAN, None, "45-year-old stage"),
        ("6 months", HUMAN, None, "6-month-old stage"),
        ("400", HUMAN, "day", "13-month-old stage"),
        ("10", HUMAN, "day", "newborn stage (0-28 days)"),
        ("8983", HUMAN, "day", "24-year-old stage"),
        ("40s", HUMAN, None, "fifth decade stage"),
        (">89", HUMAN, None, "80 year-old and over stage"),
        ("8 weeks", MOUSE, None, "8-week-old stage"),
        ("3 months", MOUSE, None, "3-month-old stage"),  # the age's own unit first, not 13-week-old
        ("3 weeks", MOUSE, None, "21-day-old stage"),
        ("1 year", MOUSE, None, "12-month-old stage"),
        ("36 months", MOUSE, None, "20-month-old stage and over"),
    ],
)
def test_the_stage_whose_span_holds_the_age(text: str, taxid: int, unit: str | None, label: str) -> None:
    assert _label(text, taxid, unit) == label


def test_a_range_takes_the_lowest_common_stage_of_its_ends() -> None:
    assert _label("6-8 weeks", MOUSE) is not None
    index = get_index()
    ends = [stage_from_age_span(parse_age(f"{w} weeks", taxid=MOUSE), MOUSE, index) for w in (6, 8)]  # type: ignore[arg-type]
    ranged = stage_from_age_span(parse_age("6-8 weeks", taxid=MOUSE), MOUSE, index)  # type: ignore[arg-type]
    assert ranged is not None and all(index.is_ancestor(ranged, end) for end in ends if end)


def test_the_decision_is_age_stage_with_lower_confidence_than_a_stated_stage() -> None:
    found = {a.field: a for a in annotate_characteristic("age", "45 years", organism="human")}
    assert found["development_stage"].method == "age_stage" and found["development_stage"].confidence < 0.85
    sample = Sample(
        accession="GSM1",
        study_accession="GSE1",
        archive="geo",
        organism_taxid=HUMAN,
        characteristics=[
            Characteristic(key="age", value="45 years"),
            Characteristic(key="developmental stage", value="fetal"),
        ],
    )
    assert sample_fields(annotate_sample(sample))["development_stage_id"] == "HsapDv:0000037"  # stated wins


def test_averages_of_pools_and_other_species_imply_no_stage() -> None:
    assert {a.field for a in annotate_characteristic("average age", "49", organism="human")} == {"age"}
    assert {a.field for a in annotate_characteristic("age", "48 hours", organism="zebrafish")} == {"age"}


def test_a_bare_number_without_a_unit_gives_no_age_value() -> None:
    (age,) = annotate_characteristic("age", "8", organism="mouse")
    assert age.method == "unmapped" and age.age_value is None and age.raw_value == "8"
    assert age.reason and "unit" in age.reason
