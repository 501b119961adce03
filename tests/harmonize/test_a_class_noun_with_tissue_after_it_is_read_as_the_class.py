"""A class noun written with "tissue" after it (``femoral bone tissue``, ``lingual muscle tissue``) is
the class all the same: the word before it names the member, as in ``femoral bone`` → femur (tuning
pairs: femoral bone, tibial bone, calvarial bone, lingual muscle). Before, "bone tissue" was read as
one phrase — UBERON's bone tissue — and the word before it was left unread."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("tissue", value, organism="mouse") if a.field == "tissue"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("femoral bone tissue", "UBERON:0000981"),  # femur
        ("tibial bone tissue", "UBERON:0000979"),  # tibia
        ("calvarial bone tissue", "UBERON:0004339"),  # vault of skull
        ("lingual muscle tissue", "UBERON:0000378"),  # tongue muscle
    ],
)
def test_the_word_before_names_the_member(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue == _tissue(value.removesuffix(" tissue"))


@pytest.mark.parametrize(
    ("value", "tissue"),
    [
        ("bone tissue", "UBERON:0002481"),  # the class itself, as written
        ("cortical bone tissue", "UBERON:0001439"),  # compact bone tissue, a name as written
        ("dystrophic muscle tissue", "UBERON:0002385"),  # a state, not a member: muscle tissue
    ],
)
def test_the_class_as_written_or_after_a_state_word_stays(value: str, tissue: str) -> None:
    assert _tissue(value) == tissue
