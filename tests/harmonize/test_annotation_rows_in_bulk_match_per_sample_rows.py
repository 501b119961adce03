"""The study's ``annotations`` rows, built once per distinct decision, are the per-sample rows exactly.

``harmonize_metadata`` turns each shared decision into row values once and stamps each sample's
accession on a copy; the reference is :func:`annotation_rows` called per sample on its decisions
(the path before). Checked on every study of the shared corpus and on generated series whose
characteristics carry submitters' typos, long tails of ages and doses, and unkeyed values.
"""

from __future__ import annotations

import copy

from rnacorpus.catalog.load import LoadPlan
from rnacorpus.catalog.ontology_tables import annotation_rows
from rnacorpus.harvester.geo.synthetic_series import metadata_series
from rnacorpus.pipeline.metadata import fill_taxa, harmonize_metadata
from rnacorpus.schemas import StudyBundle
from tests.harmonize.corpus_bundles import corpus_bundles


def _rows_match_per_sample_rows(bundle: StudyBundle) -> int:
    plan = LoadPlan(bundle=copy.deepcopy(bundle), content_sha256="", run_id="")
    harmonize_metadata(plan.bundle, plan)
    (table,) = [extra for extra in plan.extra if extra.table == "annotations"]
    first = {}
    for sample in plan.bundle.samples:
        first.setdefault(sample.accession, sample)
    expected = [row for acc, sample in first.items() for row in annotation_rows(acc, sample.annotations)]
    assert table.rows == expected, bundle.study.accession
    assert table.keys == sorted(first)
    return len(expected)


def test_corpus_studies_get_the_per_sample_rows() -> None:
    assert sum(_rows_match_per_sample_rows(bundle) for bundle in corpus_bundles()) > 1000


def test_generated_series_with_typos_get_the_per_sample_rows() -> None:
    rows = 0
    for index in range(12):
        bundle = metadata_series(index, n_samples=60, seed=3)
        fill_taxa(bundle)
        rows += _rows_match_per_sample_rows(bundle)
    assert rows > 2000
