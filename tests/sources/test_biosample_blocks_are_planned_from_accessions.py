"""A study's BioSamples are asked by block: accessions sharing letters, length and all but their last
two digits form one ``acc:…`` search when there are enough of them; the others are asked one by one.
Every accession is asked exactly once, and a block's pattern covers exactly its members' block."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from rnacorpus.harvester.biosamples.batch import MIN_PER_BLOCK, block_pattern, plan_blocks


def test_consecutive_accessions_make_blocks_of_a_hundred() -> None:
    accessions = [f"SAMN{30000000 + n}" for n in range(250)]
    blocks, alone = plan_blocks(accessions)
    assert [b.pattern for b in blocks] == ["SAMN300000.*", "SAMN300001.*", "SAMN300002.*"]
    assert [len(b.accessions) for b in blocks] == [100, 100, 50] and alone == []


def test_scattered_and_foreign_accessions_are_asked_alone_in_study_order() -> None:
    accessions = ["SAMN00000105", "SAMEA12", "SAMN00000101", "SAMN00009999", "SAMN00000102", "SAMD1", "GSM1"]
    blocks, alone = plan_blocks(accessions)
    assert [(b.pattern, b.accessions) for b in blocks] == [
        ("SAMN000001.*", ("SAMN00000105", "SAMN00000101", "SAMN00000102"))
    ]
    assert alone == ["SAMEA12", "SAMN00009999", "SAMD1", "GSM1"]


def test_a_block_keeps_accessions_of_one_length_together() -> None:
    # SAMEA numbers vary in length: SAMEA1041500.. and SAMEA10415000.. share a prefix, not a block
    short = [f"SAMEA10415{n:02d}" for n in range(3)]
    long = [f"SAMEA10415{n:03d}" for n in range(2)]
    blocks, alone = plan_blocks([*short, *long])
    assert [b.accessions for b in blocks] == [tuple(short)] and alone == long


accession = st.builds(
    lambda letters, number, width: f"{letters}{number:0{width}d}",
    st.sampled_from(["SAMN", "SAMEA", "SAMD", "SAMEG"]),
    st.integers(0, 10**9),
    st.integers(1, 10),
)


@given(st.lists(st.one_of(accession, st.text(max_size=8)), max_size=60))
def test_every_accession_is_planned_once(accessions: list[str]) -> None:
    blocks, alone = plan_blocks(accessions)
    planned = [a for b in blocks for a in b.accessions] + alone
    assert sorted(planned) == sorted(set(accessions))
    for block in blocks:
        assert len(block.accessions) >= MIN_PER_BLOCK
        pattern = re.compile(re.escape(block.pattern.removesuffix(".*")) + r"\d{2}")
        assert all(pattern.fullmatch(a) and block_pattern(a) == block.pattern for a in block.accessions)
