"""Value → term: the rule order, its guards, and the tricky cases the issue names."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, explain_characteristic
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.schemas import Annotation

LIVER, KIDNEY, BLOOD = "UBERON:0002107", "UBERON:0002113", "UBERON:0000178"
NORMAL, HCC = "PATO:0000461", "MONDO:0007256"


def _by_field(annotations: list[Annotation]) -> dict[str, Annotation]:
    return {a.field: a for a in annotations}


@pytest.mark.parametrize(
    ("field", "text", "term", "method"),
    [
        ("tissue", "Liver", LIVER, "exact_label"),
        ("tissue", "oesophagus", "UBERON:0001043", "exact_synonym"),
        ("tissue", "Ovaries", "UBERON:0000992", "normalized"),
        ("tissue", "stomach fundus", "UBERON:0001160", "exact_synonym"),
        ("tissue", "hippocampus", "UBERON:0002421", "curated"),
        ("tissue", "blastocyts", "UBERON:0000358", "fuzzy"),
        ("cell_type", "CD4+ T cells", "CL:0000624", "curated"),
        ("cell_type", "PBMCs", "CL:2000001", "curated"),
        ("disease", "HCC", HCC, "curated"),
        ("disease", "healthy", NORMAL, "curated"),
        ("disease", "hepatocelular carcinoma", HCC, "fuzzy"),
        ("tissue", "nasopharyngeal swab", "UBERON:0001728", "curated"),
        ("tissue", "BAL", "UBERON:0002048", "curated"),
        ("disease", "sepsis", "MONDO:1040015", "curated"),
    ],
)
def test_rule_order_and_method(field: str, text: str, term: str, method: str) -> None:
    found = match_text(field, text, taxid=9606)
    assert found is not None and (found.term_id, found.method) == (term, method)


def test_fuzzy_never_changes_a_number_or_a_short_word() -> None:
    assert match_text("cell_type", "CD4+ T cell", fuzzy=True) is not None
    assert match_text("development_stage", "Theiler stage 31", taxid=10090) is None  # not 21
    assert match_text("tissue", "lvier") is None  # too short to trust one edit


def test_confidence_follows_the_method() -> None:
    exact = match_text("tissue", "liver")
    fuzzy = match_text("tissue", "vomeralnasal organ")
    assert exact is not None and fuzzy is not None and exact.confidence > fuzzy.confidence


@pytest.mark.parametrize("value", ["N/A", "--", "unknown", "not applicable", "NA", "n.d.", "?", "Not available"])
@pytest.mark.parametrize("key", ["tissue", "disease state", "sex", "age", "cell type", "source_name"])
def test_placeholders_never_become_terms(key: str, value: str) -> None:
    found = annotate_characteristic(key, value, organism="human")
    assert all(a.term_id is None and a.method == "unmapped" for a in found)
    assert all("placeholder" in (a.reason or "") for a in found)


def test_empty_value_and_unrelated_key_yield_nothing_with_a_reason() -> None:
    assert explain_characteristic("tissue", "  ").reason == "empty value"
    explained = explain_characteristic("chip antibody", "H3K27ac")
    assert explained.annotations == [] and "assay" in (explained.reason or "")


def test_values_carrying_two_fields_feed_both() -> None:
    tumor = _by_field(annotate_characteristic("tissue", "HCC tumor tissue", organism="human"))
    assert tumor["disease"].term_id == HCC and tumor["tissue"].term_id == LIVER
    assert tumor["tissue"].method == "disease_site"
    normal = _by_field(annotate_characteristic("tissue", "adjacent normal liver", organism="human"))
    assert normal["disease"].term_id == NORMAL and normal["tissue"].term_id == LIVER


def test_normal_tissue_next_to_a_tumour_is_normal_and_located_by_it() -> None:
    value = "Trizol isolation of total RNA from normal tissue adjacent to Renal Cell Carcinoma"
    found = _by_field(annotate_characteristic("source_name", value, organism="human"))
    assert found["disease"].term_id == NORMAL and found["tissue"].term_id == KIDNEY
    assert "neighbouring" in (found["disease"].reason or "")


def test_control_means_normal_only_under_a_disease_key() -> None:
    assert _by_field(annotate_characteristic("disease state", "control"))["disease"].term_id == NORMAL
    assert annotate_characteristic("source_name", "control") == []
    genotype = annotate_characteristic("genotype", "control")
    assert [(a.field, a.term_id) for a in genotype] == [("genotype", None)]


def test_a_denied_disease_is_not_the_disease() -> None:
    negative = annotate_characteristic("disease state", "HIV negative", organism="human")
    assert [(a.field, a.term_id) for a in negative] == [("disease", None)]
    positive = annotate_characteristic("disease state", "HIV positive", organism="human")
    assert positive[0].term_id == "MONDO:0005109"


def test_cell_lines_are_lines_and_their_origin_is_labelled_as_such() -> None:
    found = _by_field(annotate_characteristic("cell line", "HeLa", organism="human"))
    assert found["cell_line"].term_id == "CVCL_0030"
    assert found["tissue"].term_id == "UBERON:0000002" and found["tissue"].method == "cell_line_origin"
    assert found["disease"].method == "cell_line_origin"
    spelled = _by_field(annotate_characteristic("source_name", "HCT116 cells", organism="human"))
    assert spelled["cell_line"].term_id == "CVCL_0291"
    assert all(a.method == "cell_line_origin" for a in spelled.values() if a.field in {"tissue", "disease"})


def test_a_stated_tissue_beats_a_cell_line_origin() -> None:
    found = _by_field(annotate_characteristic("source_name", "HepG2 cells, lung metastasis model", organism="human"))
    assert found["cell_line"].term_id == "CVCL_0027"
    assert found["tissue"].term_id == "UBERON:0002048" and found["tissue"].method != "cell_line_origin"


def test_unknown_or_ambiguous_cell_line_names_are_recorded_without_an_id() -> None:
    unknown = _by_field(annotate_characteristic("cell line", "HPM3", organism="human"))["cell_line"]
    assert unknown.term_id is None and unknown.method == "recorded" and unknown.raw_value == "HPM3"
    same_name = _by_field(annotate_characteristic("cell line", "Lp 9", organism="human"))["cell_line"]
    assert same_name.term_id is None and "not picking" in (same_name.reason or "")
    spelled = _by_field(annotate_characteristic("cell line", "LP9", organism="human"))["cell_line"]
    assert spelled.term_id == "CVCL_E2VF"  # one of the namesakes is spelled exactly so


def test_a_human_line_name_does_not_match_a_mouse_sample() -> None:
    found = _by_field(annotate_characteristic("cell line", "H1", organism="mouse"))
    assert found["cell_line"].term_id != "CVCL_9771"


def test_words_that_are_also_cellosaurus_names_need_context() -> None:
    found = annotate_characteristic("source_name", "Cy5: MER-TMZ", organism="human")
    assert all(a.field != "cell_line" for a in found)


def test_ambiguous_names_are_reported_not_picked() -> None:
    found = match_text("tissue", "fundus of eye or stomach")
    assert found is None or not found.ambiguous
    explained = _by_field(annotate_characteristic("tissue", "epithelium of the thing", organism="human"))
    assert all(a.term_id is None or a.field == "tissue" for a in explained.values())


def test_a_cell_type_key_gives_its_organ_only_as_the_cells_origin() -> None:
    found = _by_field(annotate_characteristic("cell type", "primary renal tubular epithelial (RTE) cells"))
    assert found["cell_type"].term_id == "CL:1000494"
    # the organ word is where the cells come from: a derived, less sure tissue (issue 15 item 5)
    assert found["tissue"].method == "cell_type_origin" and found["tissue"].confidence < 0.85


def test_free_text_sex_needs_a_plain_sex_word() -> None:
    assert _by_field(annotate_characteristic("source_name", "female liver"))["sex"].term_id == "PATO:0000383"
    assert "sex" not in _by_field(annotate_characteristic("source_name", "wt mixed reference mRNA"))


def test_pooled_sexes_are_mixed() -> None:
    assert annotate_characteristic("gender", "1 Male, 2 Female")[0].term_id == "PATO:0001338"
    assert annotate_characteristic("gender", "3 Female")[0].term_id == "PATO:0000383"


def test_every_mapped_annotation_carries_label_and_release() -> None:
    for annotation in annotate_characteristic("tissue", "HCC tumor tissue", organism="human"):
        assert annotation.term_label and annotation.ontology_release and 0 < annotation.confidence <= 1


def test_stage_words_follow_the_species() -> None:
    human = annotate_characteristic("developmental stage", "adult", organism="human")[0]
    mouse = annotate_characteristic("developmental stage", "adult", organism="mouse")[0]
    worm = annotate_characteristic("developmental stage", "adult", organism=6239)[0]
    assert (human.term_id, mouse.term_id, worm.term_id) == (
        "HsapDv:0000258",
        "MmusDv:0000110",
        "UBERON:0000113",
    )


def test_blood_cells_imply_blood_as_their_origin() -> None:
    source = _by_field(annotate_characteristic("tissue", "PBMCs"))
    assert source["cell_type"].term_id == "CL:2000001" and source["tissue"].term_id == BLOOD
    assert "implied by" in (source["tissue"].reason or "")
    cells = _by_field(annotate_characteristic("cell type", "PBMC"))
    assert cells["tissue"].term_id == BLOOD and cells["tissue"].method == "cell_type_origin"


def test_ontology_abbreviations_need_their_exact_spelling_and_a_whole_value() -> None:
    assert annotate_characteristic("source_name", "all samples") == []  # UBERON lists "ALL" for a knee ligament
    assert _by_field(annotate_characteristic("tissue", "ALL"))["disease"].term_id == "MONDO:0004967"
    assert annotate_characteristic("disease state", "AD")[0].term_id == "MONDO:0004975"
    assert "disease" not in _by_field(annotate_characteristic("source_name", "AD hippocampus"))


def test_curated_abbreviations_are_case_sensitive() -> None:
    assert annotate_characteristic("disease", "MM")[0].term_id == "MONDO:0009693"
    assert all(a.term_id is None for a in annotate_characteristic("disease", "mm"))


def test_a_parenthesis_refines_or_adds() -> None:
    assert annotate_characteristic("tissue", "Brain (cerebellum)")[0].term_id == "UBERON:0002037"
    found = _by_field(annotate_characteristic("tissue", "liver (adult)", organism="human"))
    assert found["tissue"].term_id == LIVER and found["development_stage"].term_id == "HsapDv:0000258"


def test_long_abbreviations_match_in_any_case_short_ones_do_not() -> None:
    assert _by_field(annotate_characteristic("tissue", "pbmc"))["cell_type"].term_id == "CL:2000001"
    assert annotate_characteristic("disease", "nsclc")[0].term_id == "MONDO:0005233"
    assert all(a.term_id is None for a in annotate_characteristic("disease", "all"))
