"""A part UBERON names per organ (stroma, submucosa, cortex, capsule …) written with words no rule
reads as an organ (``urethral stroma``, ``lingual submucosa``, ``left cortex``) is left unmapped, as
the part alone is (``stroma``, ``cortex``): the generic part (UBERON's "stroma") drops whose it is,
which the depositor wrote. Found by a probe of organ adjectives x parts (the compound-site family);
the generic part was the answer before. A part whose organ is read keeps its term (``renal cortex``,
``prostate stroma``), and another field's phrase beside it keeps the old reading (``tumor stroma``)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> tuple[str | None, str | None]:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return (found[0].term_id, found[0].reason) if found else (None, None)


@pytest.mark.parametrize("value", ["urethral stroma", "lingual submucosa", "left cortex", "ureteral capsule"])
def test_the_generic_part_is_not_the_answer(value: str) -> None:
    term, reason = _tissue(value)
    assert term is None
    assert reason is not None and "names no organ read here" in reason


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("renal cortex", "UBERON:0001225"),
        ("prostate stroma", "UBERON:0004184"),
        ("ovarian stroma", "UBERON:0006960"),
        ("frontal cortex", "UBERON:0001870"),  # a name of its own, not a part with a word before it
        ("tumor stroma", "UBERON:0003891"),  # the disease phrase is read: not this family
    ],
)
def test_a_part_whose_organ_is_read_keeps_its_term(value: str, term: str) -> None:
    assert _tissue(value)[0] == term
