"""A matrix centred per gene (z-scores, gene-centred logs) whose cells were emptied after the centring
is still ``centered``: the mean of what is left of a gene is off by the emptied values over the rest
(one z of 1.5 among 14 samples moves it by 0.1 sd), so the genes with a value in every sample are the
witnesses."""

from __future__ import annotations

import numpy as np
import pytest

from rnacorpus.harmonize.units import detect_units_in_values
from tests.harmonize.unit_matrices import MATRIX_GENERATORS, draw


@pytest.mark.parametrize("kind", sorted(MATRIX_GENERATORS))
def test_cells_emptied_after_centring_leave_every_column_centered(kind: str) -> None:
    values, _, _ = draw(kind, 420934777, 18_980, 14)
    rng = np.random.default_rng(1)
    values[rng.random(values.shape) < 0.0156] = np.nan  # a fifth of the genes lose a cell
    incomplete = np.isnan(values).any(axis=0).mean()
    assert 0.15 < incomplete < 0.3
    calls = detect_units_in_values(values, [f"S{i}" for i in range(14)])
    assert {(c.unit, c.is_log) for c in calls} == {("centered", True)}, calls[0].evidence


def test_a_matrix_not_centred_is_not_made_centered_by_its_complete_genes() -> None:
    values, _, _ = draw("rma", 420934777, 18_980, 14)
    values -= np.nanmedian(values, axis=1, keepdims=True)  # each sample centred, not each gene
    values[np.random.default_rng(1).random(values.shape) < 0.0156] = np.nan
    calls = detect_units_in_values(values, [f"S{i}" for i in range(14)])
    assert all("mean ≈ 0 over the samples" not in c.evidence for c in calls)
