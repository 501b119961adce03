"""Tissue spellings UBERON writes otherwise reach its term: adjectival organ forms, head nouns, Latin
plurals, apostrophe-less eponyms, sided parts, joined words, "Organ - site" values, phrases in a
parenthesis. Ambiguous spellings are reported, never picked, and nothing is invented."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.match import GENERIC_TERMS, match_text
from rnacorpus.harmonize.ontology.tissue_forms import (
    adjective_nouns,
    head_nouns,
    latin_singulars,
    possessives,
    tissue_rewrites,
)


def _tissue(key: str, value: str, organism: str = "human") -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism=organism) if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("pontine tissue", "UBERON:0000988"),  # pons
        ("peritoneal tissue", "UBERON:0002358"),  # peritoneum
        ("striatal tissue", "UBERON:0002435"),  # striatum
        ("myocardial tissue", "UBERON:0002349"),  # myocardium: per chamber, but all in the heart
        ("pharyngeal", "UBERON:0006562"),  # pharynx: holds the pharyngeal gland, the other reading
        ("scleral biopsy", "UBERON:0001773"),  # sclera
    ],
)
def test_adjectival_organ_forms_name_the_organ(value: str, term: str) -> None:
    assert _tissue("tissue", value) == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("cartilage", "UBERON:0002418"),  # cartilage tissue
        ("subcutaneous fat", "UBERON:0002190"),  # subcutaneous adipose tissue
        ("perirenal adipose", "UBERON:0005406"),  # perirenal fat
        ("gonadal fat", "UBERON:0003428"),  # gonadal fat pad
        ("retroperitoneal WAT", "UBERON:0010411"),  # retroperitoneal fat pad
        ("Muscle - Skeletal", "UBERON:0001134"),  # skeletal muscle tissue
    ],
)
def test_head_nouns_and_fat_for_adipose_tissue(value: str, term: str) -> None:
    assert _tissue("tissue", value, "mouse") == term


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("hippocampi", "UBERON:0002421"),
        ("uteri", "UBERON:0000995"),
        ("thymi", "UBERON:0002370"),
        ("epididymides", "UBERON:0001301"),
        ("cochleae", "UBERON:0001844"),
        ("renal cortices", "UBERON:0001225"),
    ],
)
def test_latin_and_irregular_plurals_are_read_as_their_singular(value: str, term: str) -> None:
    assert _tissue("organism part", value, "mouse") == term


@pytest.mark.parametrize(
    ("value", "term"),
    [("Peyers patches", "UBERON:0001211"), ("Meckels cartilage", "UBERON:0003107"), ("Ammons horn", "UBERON:0001954")],
)
def test_eponymous_structures_without_the_apostrophe(value: str, term: str) -> None:
    assert _tissue("tissue", value, "mouse") == term


def test_a_side_word_reaches_the_sided_term_through_another_synonym() -> None:
    assert _tissue("tissue", "left atrial appendage") == "UBERON:0006630"
    assert _tissue("tissue", "atrial appendage, right") == "UBERON:0006631"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("skin-lesional", "UBERON:0002097"),
        ("adipose-subcutaneous", "UBERON:0002190"),
        ("muscle/gastrocnemius", "UBERON:0001388"),
    ],
)
def test_words_joined_by_a_hyphen_or_slash_are_split_when_the_joined_form_names_nothing(value: str, term: str) -> None:
    assert _tissue("tissue", value) == term


def test_marker_signs_and_cell_line_names_keep_their_hyphens() -> None:
    cells = {a.field: a.term_id for a in annotate_characteristic("cell type", "CD4+ CD25- T cells", organism="human")}
    assert cells.get("cell_type", "").startswith("CL:")
    lines = {a.field: a.term_id for a in annotate_characteristic("cell line", "MCF-7", organism="human")}
    assert lines["cell_line"] == "CVCL_0031"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Artery - Aorta", "UBERON:0000947"),  # the site, not the artery
        ("Heart, left ventricle", "UBERON:0002084"),
        ("Brain - Substantia nigra", "UBERON:0002038"),
    ],
)
def test_organ_then_site_keeps_the_site(value: str, term: str) -> None:
    assert _tissue("tissue", value) == term


def test_a_site_written_with_the_organ_word_is_one_term() -> None:
    """GTEx: the parenthesis (a body region) composes with the organ, it does not replace it."""
    assert _tissue("tissue", "Skin - Sun Exposed (Lower leg)") == "UBERON:0004264"  # lower leg skin
    assert _tissue("tissue", "Skin - Not Sun Exposed (Suprapubic)") == "UBERON:0036149"  # suprapubic skin


def test_a_site_outside_the_parenthesis_beats_a_part_inside_it() -> None:
    assert _tissue("tissue", "Brain - Putamen (basal ganglia)") == "UBERON:0001874"


def test_a_part_named_for_many_organs_is_read_within_the_organ() -> None:
    assert _tissue("tissue", "thymus, cortex") == "UBERON:0002123"  # cortex of thymus
    assert _tissue("tissue", "Stomach - Mucosa") == "UBERON:0001199"  # mucosa of stomach
    # UBERON files no generic "cortex" part in the brain, but names the brain's own with its adjective
    assert _tissue("tissue", "Brain - Cortex") == "UBERON:0000956"  # cerebral cortex


def test_a_list_of_organs_still_keeps_the_first_and_notes_the_others() -> None:
    found = [a for a in annotate_characteristic("tissue", "spleen and lymph nodes", organism="mouse")]
    tissue = next(a for a in found if a.field == "tissue")
    assert tissue.term_id == "UBERON:0002106" and "lymph nodes" in (tissue.reason or "")


def test_a_phrase_inside_the_parenthesis_refines_the_organ() -> None:
    assert _tissue("tissue", "brain (BA9 prefrontal cortex)") == "UBERON:0000451"
    assert _tissue("tissue", "liver (adult donor)") == "UBERON:0002107"


@pytest.mark.parametrize("value", ["cervical tissue", "cortical tissue", "mucosal tissue"])
def test_adjectives_with_several_readings_are_not_picked(value: str) -> None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    assert all(a.term_id is None for a in found)


def test_an_ambiguous_adjective_reports_its_readings() -> None:
    found = match_text("tissue", "cervical", taxid=9606, index=get_index())
    assert found is not None and found.ambiguous
    assert {"UBERON:0000002", "UBERON:0000974"} <= set(found.candidates)  # cervix and neck


@pytest.mark.parametrize("value", ["lingual", "buccal", "femoral"])
def test_no_gland_or_limb_part_is_invented_for_an_organ_adjective(value: str) -> None:
    """UBERON's "lingual gland", "femoral gland" (lizards) are not what "lingual" or "femoral" mean."""
    assert _tissue("tissue", value) is None


def test_gut_alone_is_the_reviewed_digestive_tract_not_an_invented_gland() -> None:
    """ "gut" alone reaches the digestive tract through its reviewed whole-value row, never a gut gland."""
    assert _tissue("tissue", "gut") == "UBERON:0001555"


def test_rewrites_never_hide_a_name_the_ontology_lists_inside_a_cell_type() -> None:
    """The organ read out of a cell type's own label comes from listed names, not rewrites."""
    fields = {a.field: a for a in annotate_characteristic("cell type", "mammary epithelial cells", organism="human")}
    assert fields["tissue"].term_id == "UBERON:0001911" and fields["tissue"].method == "cell_type_origin"


def test_a_rewritten_match_is_never_a_generic_root_and_says_how_it_was_reached() -> None:
    index = get_index()
    for value in ("hippocampi", "subcutaneous fat", "Peyers patches", "striatal", "cartilage"):
        found = match_text("tissue", value, taxid=10090, index=index)
        assert found is not None and found.term_id not in GENERIC_TERMS
        assert found.method == "normalized" and found.via_synonym


def test_each_family_rewrites_only_its_own_shape() -> None:
    assert "striatum" in set(adjective_nouns("striatal"))
    assert list(adjective_nouns("left")) == [] and list(adjective_nouns("striatal tissue")) == []
    assert "cartilage tissue" in set(head_nouns("cartilage"))
    assert "epididymal fat pad" in set(head_nouns("epididymal fat"))
    assert "hippocampus" in set(latin_singulars("hippocampi"))
    assert "Peyer's patches" in set(possessives("Peyers patches"))
    assert list(possessives("glass")) == []
    assert all(text.strip() for text, _ in tissue_rewrites("Adipose - Visceral (Omentum)"))


@pytest.mark.parametrize(
    ("value", "term"),
    [("Kidney-2", "UBERON:0002113"), ("liver #1", "UBERON:0002107"), ("microdissected striata", "UBERON:0002435")],
)
def test_a_glued_replicate_number_or_a_sampling_verb_leaves_the_organ_whole(value: str, term: str) -> None:
    assert _tissue("source_name", value, "mouse") == term


def test_a_number_that_belongs_to_the_name_is_kept() -> None:
    assert _tissue("tissue", "Brodmann area 9") == "UBERON:0013540"
