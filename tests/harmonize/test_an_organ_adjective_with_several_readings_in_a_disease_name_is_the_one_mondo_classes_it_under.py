"""Family: a disease named by an organ adjective that has several readings in UBERON (``cervical``: the
uterine cervix or the neck; "cervical cancer", "cervical carcinoma", "cervical squamous cell carcinoma",
"cervical adenocarcinoma"). The disease's site is the one reading MONDO classes the disease under a
disorder of (cervical cancer → uterine cervix neoplasm, cervix disorder), method ``disease_site``.
When MONDO classes it under a disorder of none of the readings, or of several, no site is given
(cervical dystonia, a movement disorder); an adjective with one reading is read as before."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

CERVIX = "UBERON:0000002"


def _tissues(key: str, value: str) -> list[tuple[str | None, str]]:
    found = annotate_characteristic(key, value, organism="human")
    return [(a.term_id, a.method) for a in found if a.field == "tissue" and a.term_id]


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
    assert _tissues(key, value) == [(CERVIX, "disease_site")]


@pytest.mark.parametrize("value", ["cervical dystonia", "cervical spondylosis"])
def test_a_disease_classed_under_no_reading_gets_no_site(value: str) -> None:
    assert _tissues("tissue", value) == []


@pytest.mark.parametrize(
    ("value", "organ"),
    [("gastric cancer", "UBERON:0000945"), ("adrenal cortical carcinoma", "UBERON:0002369")],
)
def test_an_adjective_with_one_reading_is_read_as_before(value: str, organ: str) -> None:
    assert _tissues("tissue", value) == [(organ, "disease_site")]
