"""Ages: value or range, unit, qualifier; the key's unit; the stage an explicit notation implies."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, get_index, parse_age
from rnacorpus.harmonize.ontology.age import AgeParse, canonical_unit
from rnacorpus.harmonize.ontology.stage import stage_for_age

HUMAN, MOUSE = 9606, 10090


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "unit", "qualifier"),
    [
        ("45", 45, None, None, "year", None),
        ("45 yrs", 45, None, None, "year", None),
        ("8 wk", 8, None, None, "week", None),
        ("6-8 weeks", None, 6, 8, "week", None),
        ("6 to 8 wks", None, 6, 8, "week", None),
        ("P7", 7, None, None, "postnatal day", None),
        ("E14.5", 14.5, None, None, "embryonic day", None),
        ("1y 3m", 15, None, None, "month", None),
        ("2 years 6 months", 30, None, None, "month", None),
        (">89", None, 89, None, "year", ">"),
        ("90+", None, 90, None, "year", ">="),
        ("<1 year", None, None, 1, "year", "<"),
        ("fetal 20 wk gestation", 20, None, None, "gestational week", None),
        ("GW18", 18, None, None, "gestational week", None),
        ("16 pcw", 16, None, None, "post-conception week", None),
        (".5 Days Postnatal", 0.5, None, None, "postnatal day", None),
        ("14.5 dpc", 14.5, None, None, "embryonic day", None),
        ("12-week-old", 12, None, None, "week", None),
        ("40s", None, 40, 49, "year", None),
        ("Adult (12 weeks)", 12, None, None, "week", None),
        ("48 hours", 48, None, None, "hour", None),
        ("3 dpf", 3, None, None, "day post-fertilization", None),
        ("E12.5-E14.5", None, 12.5, 14.5, "embryonic day", None),
    ],
)
def test_issue_examples(
    text: str, value: float | None, low: float | None, high: float | None, unit: str, qualifier: str | None
) -> None:
    parsed = parse_age(text, taxid=HUMAN)
    assert parsed is not None and parsed.parsed
    assert (parsed.value, parsed.minimum, parsed.maximum, parsed.unit, parsed.qualifier) == (
        value, low, high, unit, qualifier,
    )  # fmt: skip


def test_bare_numbers_need_a_unit_from_somewhere() -> None:
    mouse = parse_age("45", taxid=MOUSE)
    assert mouse is not None and mouse.value == 45 and not mouse.parsed and mouse.reason
    assert parse_age("14", key_unit="month", taxid=MOUSE) == AgeParse(value=14, unit="month")
    days = parse_age("1234", taxid=HUMAN)  # not a human age in years: left without a unit
    assert days is not None and not days.parsed


@pytest.mark.parametrize("text", ["unknown", "N/A", "", "young adult", "larval stage 4", "embryos in slow phase"])
def test_text_without_a_number_is_no_age(text: str) -> None:
    assert parse_age(text, taxid=HUMAN) is None


@pytest.mark.parametrize(
    ("text", "taxid", "expected"),
    [
        ("Postnatal Day 0.5 Ovarian Tissue", None, 0.5),
        ("embryos e17.5, labeled with Cy3", None, 17.5),
        ("P7 mouse cortex", MOUSE, 7.0),
        ("E2 treated uterus", MOUSE, None),  # estradiol, not embryonic day 2
        ("p21 knockout liver", MOUSE, None),  # a gene
        ("P4 treated uterus", MOUSE, None),  # progesterone
        ("P7 cortex", HUMAN, None),  # the P notation is a rodent convention
    ],
)
def test_strict_mode_only_reads_explicit_forms(text: str, taxid: int | None, expected: float | None) -> None:
    parsed = parse_age(text, strict=True, taxid=taxid)
    assert (parsed.value if parsed else None) == expected


def test_units_from_the_key_and_from_the_sample() -> None:
    key = annotate_characteristic("age (months)", "14", organism="human")[0]
    assert (key.age_value, key.age_unit, key.method) == (14, "month", "parsed")
    stated = annotate_characteristic("age (months)", "2 years", organism="human")[0]
    assert stated.age_unit == "year"  # the value's own unit wins


def test_censored_and_range_ages_keep_bounds_and_qualifier() -> None:
    censored = annotate_characteristic("age", ">89", organism="human")[0]
    assert (censored.age_value, censored.age_min, censored.age_qualifier) == (None, 89, ">")
    ranged = annotate_characteristic("age", "6-8 weeks", organism="mouse")[0]
    assert (ranged.age_min, ranged.age_max, ranged.age_unit) == (6, 8, "week")


@pytest.mark.parametrize(
    ("text", "taxid", "stage"),
    [
        ("E14.5", MOUSE, "MmusDv:0000002"),  # embryonic stage, before Theiler 23
        ("E17.5", MOUSE, "MmusDv:0000031"),  # fetal stage
        ("P0", MOUSE, "MmusDv:0000036"),  # newborn
        ("P7", MOUSE, "MmusDv:0000117"),  # 7-day-old stage
        ("P14", MOUSE, "MmusDv:0000141"),  # no 14-day-old stage: the 2-week-old stage holds day 14
        ("P200", MOUSE, "MmusDv:0000174"),  # the 28-week-old stage holds day 200
        ("fetal 20 wk gestation", HUMAN, "HsapDv:0000037"),
        ("P7", HUMAN, "HsapDv:0000262"),  # newborn stage (0-28 days)
        ("E10.5", 7955, "UBERON:0000068"),  # other species: UBERON embryo stage
        ("E12.5-E14.5", MOUSE, "MmusDv:0000002"),
        ("8 weeks", MOUSE, None),  # the text names no period of life
        ("45 years", HUMAN, None),
    ],
)
def test_stage_only_where_the_notation_says_so(text: str, taxid: int, stage: str | None) -> None:
    parsed = parse_age(text, taxid=taxid)
    assert parsed is not None
    assert stage_for_age(parsed, taxid, get_index()) == stage


def test_age_characteristic_emits_the_stage_beside_the_age() -> None:
    found = {a.field: a for a in annotate_characteristic("age", "P7", organism="mouse")}
    assert found["age"].age_unit == "postnatal day" and found["development_stage"].term_id == "MmusDv:0000117"
    words = {a.field: a for a in annotate_characteristic("age", "adult", organism="mouse")}
    assert set(words) == {"development_stage"}


def test_canonical_units() -> None:
    assert [canonical_unit(w) for w in ("yrs", "Months", "wk", "d", "hrs", "fortnight", None)] == [
        "year", "month", "week", "day", "hour", None, None,
    ]  # fmt: skip
