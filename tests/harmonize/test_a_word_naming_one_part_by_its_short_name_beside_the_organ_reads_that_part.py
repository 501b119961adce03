"""``Brain - Caudate (basal ganglia)`` (tuning) and ``caudate, brain`` (Bgee's curated RNA-seq
libraries): "caudate" beside the brain is the caudate nucleus, the part UBERON labels with the word
and one head noun. Before, the brain's other parts that use the word — the caudate-putamen that holds
the nucleus, the nucleus accumbens (its "colliculus of caudate nucleus") — left the tissue unmapped.
A part so labelled is read only when every other part using the word holds it or is named after it:
``dentate`` beside the brain is the dentate gyrus or the cerebellum's dentate nucleus, and stays
unmapped."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("Brain - Caudate (basal ganglia)", "UBERON:0001873"),  # caudate nucleus
        ("caudate, brain", "UBERON:0001873"),
        ("brain, lentiform", "UBERON:0002263"),  # lentiform nucleus
        ("intestine, sigmoid", "UBERON:0001159"),  # sigmoid colon
    ],
)
def test_the_word_beside_the_organ_reads_the_part_it_names(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue


def test_a_word_two_unrelated_parts_use_leaves_the_tissue_unmapped() -> None:
    assert _tissue("brain, dentate") is None
