"""Two modifiers joined by "and", "or", "&" or a slash before one head (``jejunal and colic lymph
node``, ``cervical and thoracic spinal cord``) name the head's structures: the value names the head,
when each modifier with the head is a term under it. Before, the first modifier was read alone as an
organ word (jejunal → jejunum, a wrong organ) or the value was read as its second half only (inguinal
lymph node). A list of two tissues, where the first word with the head names nothing (``liver and
inguinal lymph node``), is not such a pair."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

LYMPH_NODE, SPINAL_CORD, LIVER, HEART = "UBERON:0000029", "UBERON:0002240", "UBERON:0002107", "UBERON:0000948"


def _tissue(key: str, value: str) -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("source_name", "RIKEN full-length enriched, adult male jejunal and colic lymph node", LYMPH_NODE),
        ("tissue", "mesenteric and inguinal lymph nodes", LYMPH_NODE),
        ("tissue", "axillary and inguinal lymph node", LYMPH_NODE),
        ("tissue", "brachial & axillary lymph nodes", LYMPH_NODE),
        ("organism part", "cervical and thoracic spinal cord", SPINAL_CORD),
    ],
)
def test_the_shared_head_is_the_tissue(key: str, value: str, term: str) -> None:
    assert _tissue(key, value) == term


@pytest.mark.parametrize(("value", "term"), [("liver and inguinal lymph node", LIVER), ("heart and lung", HEART)])
def test_a_list_of_tissues_is_no_shared_head(value: str, term: str) -> None:
    assert _tissue("tissue", value) == term
