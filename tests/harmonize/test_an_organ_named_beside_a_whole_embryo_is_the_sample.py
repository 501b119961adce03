"""A whole organism (embryo, larva, adult organism) named with a structure of its body: the structure
is what was sampled and the organism only says whose — ``8 5 week embryo anterior tongue 8 5 EAT``
(a Bgee-curated EST library) is the tongue, ``fetus, liver`` the liver. UBERON relates no organ to the
embryo by part-of, so the first-named organism used to be kept. The organism alone stays the answer."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(key: str, value: str) -> str | None:
    (found,) = [a for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue"]
    return found.term_id


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("source_name", "8 5 week embryo anterior tongue 8 5 EAT", "UBERON:0001723"),  # tongue
        ("tissue", "fetus, liver", "UBERON:0002107"),
        ("tissue", "embryo anterior tongue", "UBERON:0001723"),
    ],
)
def test_the_structure_beside_the_organism_is_the_sample(key: str, value: str, term: str) -> None:
    assert _tissue(key, value) == term


@pytest.mark.parametrize("value", ["whole embryo", "embryo", "embryos, day 9.5"])
def test_the_organism_alone_is_kept(value: str) -> None:
    assert _tissue("tissue", value) == "UBERON:0000922"
