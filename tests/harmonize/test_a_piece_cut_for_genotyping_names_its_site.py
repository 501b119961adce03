"""A piece cut off a site — for genotyping or a biopsy: ``ear notch``, ``ear punch``, ``tail snip``,
``toe clip`` — is a sample of the site. The cutting word is read like ``biopsy``: a filler beside the
site, never a part of it (an ear notch is not the ear's intertragic notch). A name UBERON lists
with the word (``sciatic notch``) keeps its term."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.schemas import Annotation


def _tissue(value: str) -> Annotation:
    (found,) = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found


@pytest.mark.parametrize(
    ("value", "site"),
    [
        ("ear notch", "UBERON:0001690"),
        ("Ear notches", "UBERON:0001690"),
        ("ear punch", "UBERON:0001690"),
        ("tail snip", "UBERON:0002415"),
        ("tail clippings", "UBERON:0002415"),
    ],
)
def test_the_cut_piece_is_the_site_as_a_whole_value(value: str, site: str) -> None:
    found = _tissue(value)
    assert (found.term_id, found.reason) == (site, None)  # the whole value, no part read from the cut


def test_a_name_uberon_lists_with_the_word_keeps_its_term() -> None:
    assert _tissue("sciatic notch").term_id == "UBERON:0014430"
