"""Logged counts of a deep library are ``counts`` with ``is_log``: undone, their values step by one read
(57, 58, 59 …) even when no gene below 200 reads has only 1 or 2; a per-million grid coarser than one
(CPM of a shallow library: multiples of 4) has no such neighbours and stays CPM."""

from __future__ import annotations

import numpy as np
import pytest

from rnacorpus.harmonize.units import detect_units_in_values
from tests.harmonize.unit_matrices import draw


@pytest.mark.parametrize("kind", ["log2_counts", "log2_counts_2dp", "log10_counts"])
def test_logged_counts_of_tens_of_millions_of_reads_are_log_counts(kind: str) -> None:
    # seen called log2 intensities: 7,174 genes at ~60 M reads leave one gene with 1 or 2 reads
    values, unit, is_log = draw(kind, 702150567, 7174, 2, 0.0096, depth=98.9, shift=-0.18)
    linear = np.exp2(values[0][np.isfinite(values[0])]) - 1 if kind != "log10_counts" else None
    if linear is not None:
        assert np.count_nonzero((linear > 0.5) & (linear < 2.5)) <= 2
    for call in detect_units_in_values(values, ["S0", "S1"]):
        assert (call.unit, call.is_log) == (unit, is_log) == ("counts", True), call.evidence


def test_log_cpm_on_a_grid_of_four_is_not_log_counts() -> None:
    rng = np.random.default_rng(3)
    mean = np.exp(rng.normal(1.0, 1.8, 20_000))
    counts = rng.poisson(mean * 250_000 / mean.sum()).astype(np.float64)
    cpm = counts / counts.sum() * 1e6  # a library of ~250,000 reads: CPM steps by ~4
    call = detect_units_in_values(np.log2(cpm + 1)[None, :].astype(np.float32), ["S0"])[0]
    assert (call.unit, call.is_log) == ("cpm", True), call.evidence
