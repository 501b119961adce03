"""Inside a longer source name, an organ written in a form only a spelling family reaches (a Latin
plural, fat for a fat pad) still gives the tissue when no listed name does; a lone adjective inside
longer text stays untrusted. An adjective UBERON uses for exactly one narrower part reads as that part
(alveolar -> alveolus of lung); reviewed cells of fixed origin give their tissue."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(key: str, value: str, organism: str = "mouse") -> tuple[str | None, str]:
    found = [a for a in annotate_characteristic(key, value, organism=organism) if a.field == "tissue"]
    return (found[0].term_id, found[0].method) if found else (None, "")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("inguinal fat, cold exposure", "UBERON:0010410"),  # fat -> inguinal fat pad
        ("epididymal fat from HFD mice", "UBERON:0010412"),
        ("hippocampi of aged mice", "UBERON:0002421"),  # Latin plural
    ],
)
def test_an_organ_spelling_family_reaches_the_tissue_inside_a_source_name(value: str, term: str) -> None:
    assert _tissue("source_name", value)[0] == term


def test_a_listed_name_in_the_value_is_never_hidden_by_a_rewritten_phrase() -> None:
    # "liver" is listed: the spelling families are not even tried
    assert _tissue("source_name", "liver from HFD mice, epididymal")[0] == "UBERON:0002107"


# (an organ adjective just before a cell kind is the cells' origin: "striatal neurons WT" gives the
# striatum — tests/harmonize/test_a_cell_name_composing_an_organ_with_a_cell_kind_gives_the_organ.py)
# ("striatal WT" is the striatum: a genotype tag is sample bookkeeping, read as filler — see
# tests/harmonize/test_sample_bookkeeping_beside_the_tissue_is_read_as_filler.py)
@pytest.mark.parametrize("value", ["striatal lesion model", "dorsal from KO mice"])
def test_a_lone_adjective_inside_longer_text_gives_no_tissue(value: str) -> None:
    assert _tissue("source_name", value)[0] is None


def test_an_adjective_with_one_narrower_use_in_uberon_reads_as_that_part() -> None:
    assert _tissue("tissue", "alveolar tissue", "human")[0] == "UBERON:0002299"  # alveolus of lung


def test_an_adjective_uberon_uses_for_several_organs_stays_ambiguous() -> None:
    found = annotate_characteristic("tissue", "cervical", organism="human")  # neck, cervix, vertebra
    tissue = [a for a in found if a.field == "tissue"]
    assert tissue and tissue[0].term_id is None and "several terms" in (tissue[0].reason or "")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("glomeruli", "UBERON:0000074"),  # renal glomerulus, as sample lists mean it
        ("pineal", "UBERON:0001905"),
        ("olfactory bulb glomeruli", "UBERON:0005387"),  # written with its organ: the olfactory one
    ],
)
def test_reviewed_sample_list_names(value: str, term: str) -> None:
    assert _tissue("tissue", value)[0] == term


@pytest.mark.parametrize(
    ("value", "term"),
    [("thymocytes", "UBERON:0002370"), ("synovial fibroblasts", "UBERON:0002018"), ("Paneth cells", "UBERON:0002108")],
)
def test_cells_of_fixed_origin_give_their_tissue(value: str, term: str) -> None:
    assert _tissue("cell type", value) == (term, "cell_type_origin")
