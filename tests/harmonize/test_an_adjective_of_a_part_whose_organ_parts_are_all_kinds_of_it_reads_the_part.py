"""An organ adjective whose noun is a part UBERON specializes per organ reads that part when every
organ's one is filed under it: each urothelium (of the bladder, ureter, urethra, renal pelvis) is a
urothelium, so ``urothelial tissue`` is the urothelium. Per-organ parts UBERON files apart from the
generic one stay other readings (``cortical``: the cerebral cortex is no "cortex" in UBERON's classes;
``mucosal``). Among noun forms that nest, the one named by its label beats a whole reached only by a
synonym (``meningeal``: the meninx by label; "meninge" is a synonym of the meninges as a cluster)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(key: str, value: str) -> str | None:
    found = [a for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize(
    ("key", "value", "term"),
    [
        ("tissue", "urothelial tissue", "UBERON:0000365"),
        ("tissue", "urothelial", "UBERON:0000365"),
        ("cell type", "meningeal fibroblasts", "UBERON:0002360"),
    ],
)
def test_the_adjective_reads_the_part(key: str, value: str, term: str) -> None:
    assert _tissue(key, value) == term


@pytest.mark.parametrize("value", ["cortical", "mucosal"])
def test_parts_filed_apart_stay_other_readings(value: str) -> None:
    assert _tissue("tissue", value) is None
