"""Atlas exports write "Organ-site" with a bare hyphen (Bgee's curated RNA-seq libraries, from GTEx:
``Brain-Frontal Cortex (BA9)``, ``Brain-Anterior cingulate cortex (BA24)``). The hyphen glued the
organ to the site's first word, so the site was not found: the first value read as a generic
"cortex", the second as the whole cingulate cortex. A hyphen whose joined words are each read once
it is a space is read as one; a hyphen that joins a name to a word about it (``skin-homing``,
``serum-starved``) keeps its reading."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(key: str, value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("Brain-Frontal Cortex (BA9)", "UBERON:0001870"),  # frontal cortex, not the generic cortex
        ("Brain-Anterior cingulate cortex (BA24)", "UBERON:0009835"),  # anterior cingulate cortex
    ],
)
def test_the_site_after_a_hyphen_is_read_as_after_a_space(value: str, tissue: str) -> None:
    assert _tissue("tissue", value) == tissue == _tissue("tissue", value.replace("-", " - ", 1))


@pytest.mark.parametrize(
    ("key", "value", "tissue"),
    [
        ("tissue", "adipose-subcutaneous", "UBERON:0002190"),
        ("tissue", "muscle-gastrocnemius", "UBERON:0001388"),
        ("tissue", "skin-lesional", "UBERON:0002097"),
        ("tissue", "Muscularis-colon-sigmoid", "UBERON:0035805"),
        ("cell type", "skin-homing memory T cells", None),  # homing to the skin says nothing of the origin
        ("source_name", "serum-starved fibroblasts", None),  # no blood serum
        ("source_name", "fibroblasts in serum-free medium", None),
    ],
)
def test_other_hyphens_keep_their_reading(key: str, value: str, tissue: str | None) -> None:
    assert _tissue(key, value) == tissue
