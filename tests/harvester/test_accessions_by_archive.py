"""Accession formats per archive: what a harvest takes as a study, and what it says about the rest."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnacorpus.errors import ConfigError
from rnacorpus.harvester.accessions import (
    ACCESSION_FORMATS,
    identify,
    invalid_study_accessions,
    require_study_accessions,
)
from rnacorpus.harvester.base import source_for_accession

GEO_ONLY = {"geo"}


@pytest.mark.parametrize(
    ("accession", "archive", "level", "study"),
    [
        ("GSE63966", "GEO", "series", True),
        ("gsm1561753", "GEO", "sample", False),
        (" GPL570 ", "GEO", "platform", False),
        ("GDS4879", "GEO", "DataSet", False),
        ("E-MTAB-5214", "ArrayExpress", "experiment", True),
        ("SRP049776", "ENA/SRA", "study", True),
        ("ERP000001", "ENA/SRA", "study", True),
        ("PRJNA268567", "ENA/SRA", "project", True),
        ("SRR1660349", "ENA/SRA", "run", False),
        ("SAMEA104728863", "BioSamples", "sample", False),
        ("SAMD00000345", "BioSamples", "sample", False),
    ],
)
def test_each_archive_format_is_recognised(accession: str, archive: str, level: str, study: bool) -> None:
    found = identify(accession)
    assert found is not None
    assert (found.archive, found.level, found.study) == (archive, level, study)


@pytest.mark.parametrize(
    ("accession", "says"),
    [
        ("GSE12X", "starts like a GEO series but is not one"),
        ("foo", "not an accession of any archive"),
        ("GSM1561753", "a GEO sample, not a study; give its series (GSE…)"),
        ("GPL570", "a GEO platform, not a study"),
        ("SAMN03198707", "a BioSamples sample, not a study"),
        ("", "not an accession"),
    ],
)
def test_what_is_not_a_study_says_what_it_looks_like(accession: str, says: str) -> None:
    [bad] = invalid_study_accessions([accession], sources=GEO_ONLY)
    assert says in bad.reason


def test_a_study_of_an_archive_without_a_source_is_refused_with_the_reason() -> None:
    [bad] = invalid_study_accessions(["E-MTAB-5214"], sources=GEO_ONLY)
    assert bad.reason == "an ArrayExpress experiment; this rnacorpus has no arrayexpress source yet"
    assert invalid_study_accessions(["E-MTAB-5214"], sources={"geo", "arrayexpress"}) == []


def test_one_error_lists_every_bad_accession_in_order() -> None:
    with pytest.raises(ConfigError) as caught:
        require_study_accessions(["GSE1299", "GSE12X", "foo", "GSM1"], sources=GEO_ONLY)
    message = str(caught.value)
    assert message.startswith("cannot harvest 3 accessions: 'GSE12X'")
    assert message.index("'foo'") < message.index("'GSM1'")
    assert "GSE1299" not in message


def test_source_for_accession_uses_the_table() -> None:
    assert source_for_accession("gse1299") == "geo"
    assert source_for_accession("E-GEOD-1") == "arrayexpress"
    assert source_for_accession("PRJEB1234") == "ena"
    with pytest.raises(ConfigError, match=r"GSM1.*not a study"):
        source_for_accession("GSM1")


@given(st.from_regex(r"GSE[0-9]{1,9}", fullmatch=True))
def test_every_geo_series_number_is_a_study(accession: str) -> None:
    assert invalid_study_accessions([accession.lower()], sources=GEO_ONLY) == []


@given(st.text(alphabet="ABCDEGKMNPRSTX-0123456789 ", max_size=14))
def test_a_string_is_valid_exactly_when_a_study_pattern_matches_it(text: str) -> None:
    upper = text.strip().upper()
    expected = any(f.study and f.source == "geo" and f.pattern.fullmatch(upper) for f in ACCESSION_FORMATS)
    assert (invalid_study_accessions([text], sources=GEO_ONLY) == []) == expected


def test_patterns_are_anchored_upper_case_and_examples_match() -> None:
    for fmt in ACCESSION_FORMATS:
        assert fmt.pattern.fullmatch(fmt.example), fmt
        assert not re.search(r"[a-z]", fmt.example)
