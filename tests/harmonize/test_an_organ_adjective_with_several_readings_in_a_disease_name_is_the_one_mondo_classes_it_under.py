"""Family: a disease named by an organ adjective that has several readings in UBERON (``cervical``: the
uterine cervix or the neck; "cervical cancer", "cervical carcinoma", "cervical squamous cell carcinoma",
"cervical adenocarcinoma"). The disease's site is the one reading MONDO classes the disease under a
disorder of (cervical cancer → uterine cervix neoplasm, cervix disorder), method ``disease_site``.
When MONDO classes it under a disorder of none of the readings, or of several, no site is given
(cervical dystonia, a movement disorder); an adjective with one reading is read as before."""

from __future__ import annotations

import pytest

from tests.harmonize.tissue_picks import tissue_picks

CERVIX = "UBERON:0000002"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tissue", "Cervical Cancer"),
        ("tissue", "cervical carcinoma"),
        ("tissue", "cervical squamous cell carcinoma"),
        ("source_name", "cervical adenocarcinoma"),
        ("cell type", "Cervical cancer cells"),
        ("cell type", "human cervical cancer cell line"),
    ],
)
def test_the_reading_mondo_classes_the_disease_under_is_the_site(key: str, value: str) -> None:
    assert tissue_picks(key, value) == [(CERVIX, "disease_site")]


@pytest.mark.parametrize("value", ["cervical dystonia", "cervical spondylosis"])
def test_a_disease_classed_under_no_reading_gets_no_site(value: str) -> None:
    assert tissue_picks("tissue", value) == []


@pytest.mark.parametrize(
    ("value", "organ"),
    [("gastric cancer", "UBERON:0000945"), ("adrenal cortical carcinoma", "UBERON:0002369")],
)
def test_an_adjective_with_one_reading_is_read_as_before(value: str, organ: str) -> None:
    assert tissue_picks("tissue", value) == [(organ, "disease_site")]
