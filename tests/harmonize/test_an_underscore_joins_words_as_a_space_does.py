"""Depositors join words with underscores as with spaces (``femur_bone_marrow``, ``Brain_-_Cortex``,
``bone_marrow-derived_macrophages``). The rules that read words written side by side — a compound's
head, "Organ - site", "<source>-derived" — read them so; before, the underscore counted as
punctuation between words and the value was read as a list (femur; brain)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(key: str, value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic(key, value, organism="mouse") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("key", "value", "tissue"),
    [
        ("tissue", "femur_bone_marrow", "UBERON:0002371"),  # bone marrow, not the femur
        ("tissue", "Brain_-_Cortex", "UBERON:0000956"),  # cerebral cortex, as "Brain - Cortex"
        ("tissue", "lung_lymph_node", "UBERON:0035764"),  # pulmonary lymph node
        ("cell type", "bone_marrow-derived_macrophages", "UBERON:0002371"),  # bone marrow, not bone element
    ],
)
def test_words_joined_by_underscores_read_as_written_with_spaces(key: str, value: str, tissue: str) -> None:
    assert _tissue(key, value) == tissue == _tissue(key, value.replace("_", " "))


@pytest.mark.parametrize(
    ("value", "tissue"),
    [("colon_mucosa", "UBERON:0000317"), ("liver_rep1", "UBERON:0002107"), ("Heart_LV_sham_1", "UBERON:0002084")],
)
def test_source_names_with_underscores_keep_their_tissue(value: str, tissue: str) -> None:
    assert _tissue("source_name", value) == tissue
