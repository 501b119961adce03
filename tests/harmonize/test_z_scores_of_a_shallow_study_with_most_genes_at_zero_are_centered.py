"""A matrix centred per gene from a shallow study, where most genes have no read in any sample (each
written as 0 by the centring), is ``centered``: a gene constant at 0 says nothing either way, and the
genes that vary are centred. A raw count matrix of the same study is not: its varying genes are not."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.units import detect_units_in_values
from tests.harmonize.unit_matrices import draw

# seen called log FPKM / log counts: 63-85% of the values are 0, under half the genes vary
SHALLOW = [
    ("z_counts", 2767403010, 7990, 3, 0.17577186265383196, 0.16877468523238084, -2.828606877264974),
    ("centred_log_tpm", 2090154613, 26698, 4, 0.0840927840989309, 0.16295964791777512, -2.1123742405483696),
]


@pytest.mark.parametrize(("kind", "seed", "n_genes", "n_samples", "missing", "depth", "shift"), SHALLOW)
def test_a_shallow_study_centred_per_gene_is_centered(
    kind: str, seed: int, n_genes: int, n_samples: int, missing: float, depth: float, shift: float
) -> None:
    values, _, _ = draw(kind, seed, n_genes, n_samples, missing, depth=depth, shift=shift)
    calls = detect_units_in_values(values, [f"S{i}" for i in range(n_samples)])
    assert {(c.unit, c.is_log) for c in calls} == {("centered", True)}, calls[0].evidence


def test_raw_counts_of_the_same_shallow_study_stay_counts() -> None:
    values, unit, is_log = draw("counts", 2767403010, 7990, 3, 0.17577186265383196, depth=0.5, shift=-2.0)
    calls = detect_units_in_values(values, ["S0", "S1", "S2"])
    assert {(c.unit, c.is_log) for c in calls} == {(unit, is_log)} == {("counts", False)}, calls[0].evidence
