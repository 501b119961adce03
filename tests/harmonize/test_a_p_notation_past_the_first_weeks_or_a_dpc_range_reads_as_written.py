"""Two age notations inside free text (a source name), read as written:

* a P-notation past the first weeks of life (``P500.5``, ``P45.5``) is a sample or patient code, not a
  postnatal day: the notation counts postnatal days up to the same bound as a rodent's ``P7`` (before,
  ``P500.5`` became postnatal day 500.5); spelled-out forms (``postnatal day 45``) are unchanged;
* a range of days post coitum (``12.0-12.5 dpc``, ``16.5 to 18.5 dpc``) keeps both ends (before, only
  the second end was read: 12.5)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology.age import parse_age

MOUSE, HUMAN = 10090, 9606


@pytest.mark.parametrize("text", ["P500.5", "P45.5", "sample P120.2", "patient P31.5"])
def test_a_p_code_past_the_first_weeks_is_no_age(text: str) -> None:
    assert parse_age(text, strict=True, taxid=HUMAN) is None


@pytest.mark.parametrize(("text", "day"), [("P0.5 cortex", 0.5), ("P21.5", 21.5), ("postnatal day 45", 45.0)])
def test_early_and_spelled_postnatal_days_stay(text: str, day: float) -> None:
    found = parse_age(text, strict=True, taxid=MOUSE)
    assert found is not None and found.unit == "postnatal day" and found.value == day


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("12.0-12.5 dpc subtracted mouse testis", 12.0, 12.5),
        ("16.5 to 18.5 dpc", 16.5, 18.5),
        ("embryos 10.5–11.5 dpc", 10.5, 11.5),
    ],
)
def test_a_dpc_range_keeps_both_ends(text: str, low: float, high: float) -> None:
    found = parse_age(text, strict=True, taxid=MOUSE)
    assert found is not None and found.unit == "embryonic day"
    assert (found.minimum, found.maximum, found.value) == (low, high, None)


def test_a_single_dpc_stays_one_day() -> None:
    found = parse_age("14.5 dpc", strict=True, taxid=MOUSE)
    assert found is not None and found.value == 14.5 and found.minimum is None
