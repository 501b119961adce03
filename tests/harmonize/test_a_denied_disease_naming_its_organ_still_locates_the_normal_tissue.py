"""``non tumor liver``: the phrase scan reads "tumor liver" as one disease (a liver neoplasm) and "non"
denies it, so the value is normal tissue — of the liver. The denied disease only locates the tissue, as
a disease named beside "normal" does (``normal tissue adjacent to RCC``); before, the value gave the
health status and no tissue, and with an underscore (``non_tumor liver``, seen in GEO's tissue field)
nothing at all, the health-status words being looked for in the unspaced text."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

LIVER, NORMAL = "UBERON:0002107", "PATO:0000461"


def _fields(value: str) -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism="human")}


@pytest.mark.parametrize("value", ["non tumor liver", "non_tumor liver", "non-tumor liver", "nontumor liver"])
def test_the_denied_tumour_gives_its_organ_and_the_status_is_normal(value: str) -> None:
    found = _fields(value)
    assert found.get("tissue") == LIVER
    assert found.get("disease") == NORMAL


@pytest.mark.parametrize("value", ["non tumor tissue", "HIV negative", "without asthma"])
def test_a_denied_disease_naming_no_organ_gives_no_tissue(value: str) -> None:
    assert _fields(value).get("tissue") is None
