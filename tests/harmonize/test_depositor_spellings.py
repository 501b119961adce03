"""Spellings depositors use: eponyms without apostrophes, one-letter sex codes, abbreviated
binomials, laboratory strain names."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.assay import assay_patterns
from rnacorpus.harmonize.ontology.curated import strain_taxon, taxon_named
from rnacorpus.harmonize.ontology.index import get_index


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Huntingtons", "MONDO:0007739"),
        ("Sjogren", "MONDO:0010030"),
        ("Sjögren's syndrome", "MONDO:0010030"),
        ("Graves disease", "MONDO:0005364"),
        ("Crohns", "MONDO:0005011"),
    ],
)
def test_eponyms_without_apostrophes_or_diacritics(value: str, term: str) -> None:
    found = {a.field: a.term_id for a in annotate_characteristic("disease", value, organism="human")}
    assert found["disease"] == term


def test_an_organ_alone_is_no_eponym_and_free_text_is_not_read_as_one() -> None:
    assert {a.field for a in annotate_characteristic("disease", "Heart", organism="human")} == {"tissue"}
    assert "disease" not in {
        a.field for a in annotate_characteristic("source_name", "Ovarian Tissue Null", organism="mouse")
    }


def test_one_letter_sex_codes_only_under_a_sex_key() -> None:
    assert annotate_characteristic("Sex", "f", organism="mouse")[0].term_id == "PATO:0000383"
    assert annotate_characteristic("gender", "M", organism="human")[0].term_id == "PATO:0000384"
    assert "sex" not in {a.field for a in annotate_characteristic("source_name", "M", organism="human")}


@pytest.mark.parametrize(("text", "taxid"), [("M. musculus", 10090), ("H.sapiens", 9606), ("R. norvegicus", 10116)])
def test_abbreviated_binomials(text: str, taxid: int) -> None:
    taxon = taxon_named(text)
    assert taxon is not None and taxon.taxid == taxid


@pytest.mark.parametrize(
    ("text", "taxid"),
    [("129S1/SvImJ", 10090), ("DBA/2J", 10090), ("F1 hybrid FVB/N x C57Bl/6", 10090), ("Sprague-Dawley", 10116)],
)
def test_laboratory_strains_name_their_species_and_stay_text(text: str, taxid: int) -> None:
    found = {a.field: a for a in annotate_characteristic("strain", text)}
    assert found["strain"].method == "recorded" and found["strain"].raw_value == text
    assert found["organism"].term_id == f"NCBITaxon:{taxid}" and found["organism"].method == "strain"


def test_strain_roots_of_two_species_or_none_name_no_species() -> None:
    assert strain_taxon("C57BL/6 x Wistar") is None
    assert strain_taxon("N2") is None and strain_taxon("wild type") is None


def test_every_assay_pattern_names_a_live_efo_assay() -> None:
    index = get_index()
    for pattern in assay_patterns():
        if pattern.term_id is not None:
            assert index.scope(pattern.term_id) == "assay" and not index.deprecated(pattern.term_id), pattern
