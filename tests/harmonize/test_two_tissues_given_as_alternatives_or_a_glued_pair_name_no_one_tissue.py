"""Two unrelated tissue names written as alternatives ("or", a slash) or glued by an unspaced hyphen
name no one sample: the value says "either" or names a region spanning both, so no single term is
emitted (seen on GEO's tissue field: ``bone marrow or blood``, ``head-neck``). A list with "and" or a
comma keeps its first term as before, an organ and its own site stay one reading, and an atlas
export's capitalized "Organ-site" is still read as "Organ - site"."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str, key: str = "tissue") -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    "value",
    [
        "bone marrow or blood",
        "liver or kidney",
        "bone marrow / peripheral blood",
        "spleen/lymph node",
        "head-neck",
        "substantia nigra-ventral tegmental area",
        "brain-liver",
    ],
)
def test_alternatives_or_a_glued_pair_emit_no_tissue(value: str) -> None:
    assert _tissue(value) is None


def test_the_reason_names_both_structures() -> None:
    found = [a for a in annotate_characteristic("tissue", "lung or liver", organism="human") if a.field == "tissue"]
    assert found and found[0].method == "unmapped"
    assert "lung" in (found[0].reason or "") and "liver" in (found[0].reason or "")


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("liver and kidney", "UBERON:0002107"),  # a list keeps its first term
        ("liver, kidney", "UBERON:0002107"),
        ("Brain-Frontal Cortex (BA9)", "UBERON:0001870"),  # organ then its own site
        ("Brain-Spinal cord (cervical c-1)", "UBERON:0002726"),  # atlas export "Organ-site"
        ("mesenteric/inguinal lymph nodes", "UBERON:0000029"),  # two modifiers of one head
        ("adipose-subcutaneous", "UBERON:0002190"),
        ("liver/tumor", "UBERON:0002107"),  # a tumour is no second tissue
    ],
)
def test_lists_sites_and_shared_heads_keep_their_reading(value: str, term: str) -> None:
    assert _tissue(value) == term
