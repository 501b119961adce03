"""A number written after ``#`` at the end of a value (``liver #2``, ``branchial arch #2``) is the
sample's number: it is dropped before the phrases are read, so it never joins a name that ends in a
number (``branchial arch #2`` was the second pharyngeal arch) nor stops a parenthesis naming the site
(``muscle (soleus) #2`` was muscle tissue). A number written without the sign stays part of the name."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("branchial arch #2", "UBERON:0008896"),
        ("Soares_NMEBA_branchial_arch #2", "UBERON:0008896"),
        ("muscle (soleus) #2", "UBERON:0001389"),
        ("alveolar tissue # 12", "UBERON:0002299"),
        ("liver #2", "UBERON:0002107"),
    ],
)
def test_the_number_is_dropped(value: str, term: str) -> None:
    assert _tissue(value) == term


def test_a_number_without_the_sign_is_kept() -> None:
    assert _tissue("pharyngeal arch 2") == "UBERON:0003066"
