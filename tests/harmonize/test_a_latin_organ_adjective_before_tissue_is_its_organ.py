"""A Latin organ adjective whose stem is not the English noun, written with "tissue" (tuning's
``lingual tissue``; ``vesical tissue``), is the one organ UBERON's own name pairs give it (lingual
mucosa / mucosa of tongue …): it read as nothing, since "lingua" and "vesica" are no UBERON names.
An adjective with several readings stays reported (``cortical tissue``, ``labial tissue``: lip or
genital labium), and one without "tissue" after it is not read this way."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "organ"),
    [
        ("lingual tissue", "UBERON:0001723"),  # tongue
        ("vesical tissue", "UBERON:0001255"),  # urinary bladder
        ("cortical tissue", None),  # several readings: reported
        ("labial tissue", None),
        ("lingual", None),  # no "tissue": not this family
    ],
)
def test_the_adjective_with_tissue_reads_its_organ(value: str, organ: str | None) -> None:
    assert _tissue(value) == organ
