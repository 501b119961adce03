"""The export normalizes every block through one :class:`NormalizeScratch` (work arrays kept across
calls, not new pages each call): blocks of different widths, rules and run lengths, one after
another through the same scratch, come out bit for bit as with fresh work arrays, and a call no
larger than an earlier one allocates nothing new."""

from __future__ import annotations

import numpy as np

from rnacorpus.catalog.normalize import CHUNK_ROWS, RULES, NormalizeScratch
from tests.export.test_a_row_normalizes_the_same_in_any_block import _block


def test_blocks_through_one_scratch_equal_blocks_through_fresh_arrays() -> None:
    values, units, lengths, columns = _block()
    narrow = np.ascontiguousarray(values[:, :120])  # a narrower shard after a wider one, and back
    scratch = NormalizeScratch()
    for rule in ("log1p_tpm", "cpm", "log1p_cpm", "as_deposited", "tpm"):
        for block, chosen in ((values, columns), (narrow, None), (values, None)):
            normalization = RULES[rule].normalizing(block, units, lengths[: block.shape[1]], chosen)
            width = len(normalization.steps.columns.take)
            for start, stop in ((0, len(block)), (3, 3 + CHUNK_ROWS + 1), (5, 7)):
                fresh = np.full((stop - start, width), 7.0, dtype=np.float32)
                kept = fresh.copy()
                counts = normalization.into(fresh, start, stop)
                kept_counts = normalization.into(kept, start, stop, scratch=scratch)
                assert np.array_equal(kept.view(np.uint32), fresh.view(np.uint32)), (rule, block.shape, start)
                assert np.array_equal(kept_counts, counts)


def test_a_call_no_larger_than_before_reuses_the_arrays() -> None:
    scratch = NormalizeScratch()
    first = scratch.chunk(CHUNK_ROWS, 300)
    assert np.shares_memory(scratch.chunk(CHUNK_ROWS - 3, 300), first)
    assert np.shares_memory(scratch.chunk(CHUNK_ROWS, 200), first)
    assert not np.shares_memory(scratch.chunk(CHUNK_ROWS, 301), first)  # grown
