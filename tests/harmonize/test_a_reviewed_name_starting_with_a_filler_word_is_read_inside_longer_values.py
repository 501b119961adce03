"""A reviewed row whose name starts with a word the scan otherwise skips as filler (``whole body``,
``whole animal``, ``whole embryo``: "whole" is filler in ``whole brain``) names a tissue inside longer
values too — ``mouse whole body``, ``normal whole body``, ``Whole animal tissue`` — not only as the
whole value. A phrase never started with a filler word, so these were read only when written alone."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

WHOLE_ORGANISM, EMBRYO, BRAIN = "UBERON:0000468", "UBERON:0000922", "UBERON:0000955"


def _tissue(key: str, value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("key", "value", "tissue"),
    [
        ("tissue", "mouse whole body", WHOLE_ORGANISM),
        ("tissue", "normal whole body", WHOLE_ORGANISM),
        ("source_name", "Whole animal tissue", WHOLE_ORGANISM),
        ("source_name", "whole embryo, wild type", EMBRYO),
    ],
)
def test_the_reviewed_name_is_read_inside_the_value(key: str, value: str, tissue: str) -> None:
    assert _tissue(key, value) == tissue


@pytest.mark.parametrize("value", ["whole brain", "mouse whole brain", "brain, whole"])
def test_filler_before_an_organ_is_still_filler(value: str) -> None:
    assert _tissue("tissue", value) == BRAIN
