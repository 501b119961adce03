"""A mistyped word one edit from several words of UBERON's tissue names is read when the words beside
it settle which: the candidates that make a listed name with the word before or after it (or alone)
are kept, the longest names win, and they must all name one term. ``cerebral cortx`` is the cerebral
cortex ("cerebral corti" is no name), ``spinal chord`` the spinal cord (not a chorda), ``trachae``
the trachea (trachea and its plural tracheae name one term). Without such neighbours (``chord``
alone: cord or chorda) the word stays as written."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.respell import respell


@pytest.mark.parametrize(
    ("value", "term", "read"),
    [
        ("cerebral cortx", "UBERON:0000956", "'cortx' read as 'cortex'"),
        ("spinal chord", "UBERON:0002240", "'chord' read as 'cord'"),
        ("trachae", "UBERON:0003126", "'trachae' read as 'trachea'"),
    ],
)
def test_the_neighbours_settle_the_reading(value: str, term: str, read: str) -> None:
    (found,) = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    assert (found.term_id, found.method) == (term, "fuzzy")
    assert found.reason is not None and read in found.reason


def test_without_neighbours_that_settle_it_the_word_stays() -> None:
    assert respell("chord", get_index()) == ("chord", [])
