"""An organ word written before cells whose origin the cell type gives, naming a part of that origin,
is where the cells came from: ``atrial cardiomyocytes`` (cardiac muscle cells come from the heart) →
cardiac atrium; a word of several readings is read by the one inside the origin (``cerebral
astrocytes``: of brain, cerebral hemisphere, telencephalon, midbrain — all inside the central nervous
system — the brain holds the others). Readings unrelated to each other inside the origin leave the
origin (``cortical astrocytes``: cerebral or cerebellar cortex). Cases: primary-cell names as
depositors write them (probe of the cell-origin family; no labelled row)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic, get_index
from rnacorpus.harmonize.ontology.class_heads import _reading_within


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("cell type", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("atrial cardiomyocytes", "UBERON:0002081"),  # cardiac atrium, not the whole heart
        ("cerebral astrocytes", "UBERON:0000955"),  # brain, not the central nervous system
        ("cortical astrocytes", "UBERON:0001017"),  # cerebral or cerebellar cortex: the origin stays
        ("cardiomyocytes", "UBERON:0000948"),  # no word before: the origin
        ("cortical neurons", "UBERON:0000956"),  # CL's own "cerebral cortex neuron", as before
    ],
)
def test_the_word_is_read_within_the_origin(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue


def test_a_reading_outside_the_origin_is_not_taken() -> None:
    index = get_index()
    heart, cns = "UBERON:0000948", "UBERON:0001017"
    assert _reading_within("atrial", heart, 9606, index) == "UBERON:0002081"
    assert _reading_within("renal", heart, 9606, index) is None  # the kidney is no part of the heart
    assert _reading_within("cortical", cns, 9606, index) is None
    assert _reading_within("cardiac", heart, 9606, index) is None  # the origin itself says nothing more
