"""``ColumnMap.between`` maps a shard's feature list onto the export's genes by name: each output
column takes the input column of its name, or is missing (NaN) when the input has none — what
pandas' ``Index.get_indexer`` gave before (checked on shuffled lists with genes on one side only).
An input naming a feature twice cannot say which column is the gene's: a ValueError names it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnacorpus.catalog.column_map import ColumnMap


@pytest.mark.parametrize("seed", range(5))
def test_each_output_takes_its_named_input_as_get_indexer_does(seed: int) -> None:
    rng = np.random.default_rng(seed)
    names = [f"ENSG{i:011d}" for i in range(3000)]
    inputs = list(rng.permutation(names[:2500]))  # the shard lacks the last 500
    outputs = sorted(rng.choice(names, size=2000, replace=False).tolist())  # some only in the shard
    columns = ColumnMap.between(inputs, outputs)
    reference = ColumnMap.from_positions(pd.Index(inputs).get_indexer(pd.Index(outputs)))
    assert np.array_equal(columns.take, reference.take) and np.array_equal(columns.missing, reference.missing)
    assert columns.missing.any() and not columns.missing.all()
    taken = np.array(inputs, dtype=object)[columns.take]
    assert (taken[~columns.missing] == np.array(outputs, dtype=object)[~columns.missing]).all()


def test_empty_lists_and_a_feature_listed_twice() -> None:
    assert ColumnMap.between([], ["A"]).missing.tolist() == [True]
    assert len(ColumnMap.between(["A"], []).take) == 0
    with pytest.raises(ValueError, match="'B' is listed more than once"):
        ColumnMap.between(["A", "B", "C", "B"], ["A"])
