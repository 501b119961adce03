"""A part written after a word that denies it is the part the depositor left out: Bgee's curated GTEx
library ``Pancreas-mid-portion (not tail)`` read as "tail" (the body's tail, a wrong term) and
``Pancreas - mid-portion (not tail)`` as the tail of the pancreas; Bgee's description of Brawand et
al.'s samples, "whole brain without cerebellum", read as the cerebellum. The denied phrase is now
read by nothing, and the rest of the value gives the tissue. A negation that denies no place
(``Skin - Not Sun Exposed (Suprapubic)``) keeps its reading."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("Pancreas-mid-portion (not tail)", "UBERON:0001264"),  # pancreas, not the tail
        ("Pancreas - mid-portion (not tail)", "UBERON:0001264"),  # not the tail of pancreas
        ("whole brain without cerebellum", "UBERON:0000955"),  # brain, not the cerebellum
        ("whole brain (no cerebellum)", "UBERON:0000955"),
        ("brain, excluding olfactory bulb", "UBERON:0000955"),
        ("brain, not including cerebellum", "UBERON:0000955"),  # a negation carried by "including"
        ("brain, not incuding cerebellum", "UBERON:0000955"),  # GEO's spelling: respelled, then denied
        ("whole brain other than cerebellum", "UBERON:0000955"),
    ],
)
def test_the_denied_part_is_not_the_tissue(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue


def test_a_negation_of_no_place_keeps_the_reading() -> None:
    assert _tissue("Skin - Not Sun Exposed (Suprapubic)") == "UBERON:0036149"  # suprapubic skin
