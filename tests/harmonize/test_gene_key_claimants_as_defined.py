"""A key several genes claim lists every claimant (reference row and its own spelling, in row order),
exactly as the plain definition says: group the (key, row) pairs by upper-cased key."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rnacorpus.harmonize.genes.index import AMBIGUOUS, KeyTable

_SPELLINGS = st.sampled_from(["TP53", "tp53", "Tp53", "BRCA1", "brca1", "MYC", "ENSG1", "ensg1", "x"])


def _expected(rows: list[int], spellings: list[str]) -> dict[str, tuple[list[int], list[str]]]:
    groups: dict[str, list[tuple[int, str]]] = {}
    for row, spelling in zip(rows, spellings, strict=True):
        groups.setdefault(spelling.upper(), []).append((row, spelling))
    out = {}
    for key, pairs in groups.items():
        if len({row for row, _ in pairs}) > 1:  # one gene listing a key twice is one claimant
            ordered = sorted(pairs, key=lambda pair: pair[0])  # by row; equal rows keep input order
            out[key] = ([row for row, _ in ordered], [spelling for _, spelling in ordered])
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), _SPELLINGS), max_size=30))
def test_claimants_are_every_gene_that_claims_the_key(pairs: list[tuple[int, str]]) -> None:
    rows = [row for row, _ in pairs]
    spellings = [spelling for _, spelling in pairs]
    table = KeyTable.build(np.asarray(rows, np.int64), pa.array(spellings, pa.string()))
    keys = table.keys.to_pylist()
    got = {keys[k]: claimants for k, claimants in table.claimants.items()}
    assert got == _expected(rows, spellings)
    for k, key in enumerate(keys):
        assert (table.row[k] == AMBIGUOUS) == (key in got)
