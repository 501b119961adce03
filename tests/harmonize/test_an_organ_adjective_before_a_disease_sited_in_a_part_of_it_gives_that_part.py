"""Family: an organ adjective written right before a disease whose own name places it in a part of that
organ (``uterine endometrial cancer``, ``uterine cervical carcinoma``): the adjective reads as the organ
and the disease phrase as a whole, but the two name nested structures and the inner one (endometrium,
cervix) is the place. Before, the organ adjective won (uterus). A disease sited in the organ itself,
or in no part of it, leaves the organ as written; so does a disease not written right after it."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

ENDOMETRIUM = "UBERON:0001295"
CERVIX = "UBERON:0000002"
UTERUS = "UBERON:0000995"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("uterine endometrial cancer", ENDOMETRIUM),
        ("Uterine endometrial carcinoma", ENDOMETRIUM),
        ("uterine endometrial adenocarcinoma", ENDOMETRIUM),
        ("uterine cervical cancer", CERVIX),
        ("uterine cervical squamous cell carcinoma", CERVIX),
    ],
)
def test_the_part_the_disease_is_sited_in_wins(value: str, term: str) -> None:
    assert [found for found, _ in tissue_picks("tissue", value)] == [term]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("uterine leiomyoma", UTERUS),  # a disease sited in no part of the organ
        ("uterine tissue, endometrial cancer patient", UTERUS),  # the disease not written right after it
    ],
)
def test_the_organ_stays_otherwise(value: str, term: str) -> None:
    assert [found for found, _ in tissue_picks("tissue", value)] == [term]
