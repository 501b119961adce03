"""Under a tissue or source key, the site of a named disease gives the tissue when none is named
(``disease_site``). When the first disease the value names has no organ in its name or curated
implication (``low-grade glioma``, ``medulloblastoma``), another disease the value names gives the site
(``brain tumor`` → brain) — if the others give one site only. Before, only the first disease was
asked and the value gave no tissue. A first disease that names its organ keeps it (``lymph node
metastasis of breast cancer`` stays a lymph node)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

BRAIN, LYMPH_NODE = "UBERON:0000955", "UBERON:0000029"


def _tissue(key: str, value: str) -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    "value",
    [
        "patient 5 (low-grade glioma), RNA-Seq of brain tumor tissue",
        "low-grade glioma, brain tumor",
        "medulloblastoma (pediatric brain tumor)",
    ],
)
def test_another_disease_gives_the_site(value: str) -> None:
    assert _tissue("source_name", value) == BRAIN


def test_a_first_disease_with_its_organ_keeps_it() -> None:
    assert _tissue("source_name", "lymph node metastasis of breast cancer") == LYMPH_NODE


def test_a_disease_naming_no_organ_alone_gives_no_tissue() -> None:
    assert _tissue("source_name", "low-grade glioma") is None


@pytest.mark.parametrize("value", ["glioma", "glioblastoma", "GBM", "low-grade glioma"])
def test_no_curated_implication_stands_in_for_an_organ_word(value: str) -> None:
    """The reviewed table implies a site only for names that carry their organ (HCC, NSCLC, ccRCC:
    hepatocellular, lung, renal); glioma names no organ, as low-grade glioma does not, so under a
    tissue key it gives no tissue either (fresh GEO tissue values: 'glioma', 'glioblastoma')."""
    assert _tissue("tissue", value) is None
    disease = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "disease"]
    assert disease and disease[0] is not None and disease[0].startswith("MONDO:")


def test_an_abbreviation_standing_for_an_organ_named_disease_keeps_its_site() -> None:
    assert _tissue("tissue", "HCC") == "UBERON:0002107"
