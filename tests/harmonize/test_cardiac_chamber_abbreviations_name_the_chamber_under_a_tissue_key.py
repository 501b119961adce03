"""Cardiac dissections abbreviate the ventricles (LV, RV) under a tissue key; the reviewed table reads
them exactly as written (capitals), so the same letters in lower case or in a treatment stay unread."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue_terms(key: str, value: str) -> list[str | None]:
    return [a.term_id for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]


def test_lv_and_rv_under_a_tissue_key_are_the_ventricles() -> None:
    assert _tissue_terms("tissue", "LV") == ["UBERON:0002084"]
    assert _tissue_terms("tissue", "RV") == ["UBERON:0002080"]


def test_lower_case_letters_are_not_the_abbreviation() -> None:
    assert "UBERON:0002084" not in _tissue_terms("tissue", "lv")
