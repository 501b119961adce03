"""Harmonizing once per distinct value changes nothing: memoized and plain runs agree on every sample."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from rnacorpus.catalog.load import LoadPlan
from rnacorpus.harmonize.memo import clear_caches, memoization
from rnacorpus.harmonize.ontology import annotate_sample, explain_characteristic
from rnacorpus.pipeline.metadata import harmonize_metadata
from rnacorpus.schemas import StudyBundle
from tests.harmonize.corpus_bundles import corpus_bundles


def _run(bundle: StudyBundle) -> tuple[dict[str, dict[str, Any]], list[Any]]:
    plan = LoadPlan(bundle=copy.deepcopy(bundle), content_sha256="", run_id="")
    harmonize_metadata(plan.bundle, plan)
    return plan.harmonized, [(table.table, table.keys, table.rows) for table in plan.extra]


def test_memoized_and_plain_runs_give_the_same_rows_for_every_corpus_study() -> None:
    bundles = corpus_bundles()
    assert sum(len(b.samples) for b in bundles) > 500
    clear_caches()
    with memoization(False):
        plain = [_run(bundle) for bundle in bundles]
    memoized = [_run(bundle) for bundle in bundles]
    again = [_run(bundle) for bundle in bundles]  # warm caches answer the same
    assert memoized == plain
    assert again == plain


@pytest.mark.slow
def test_each_sample_and_characteristic_agrees_alone() -> None:
    for bundle in corpus_bundles():
        for sample in bundle.samples:
            with memoization(False):
                plain = [a.model_dump() for a in annotate_sample(sample)]
            assert [a.model_dump() for a in annotate_sample(sample)] == plain, sample.accession
            for item in sample.characteristics[:3]:
                with memoization(False):
                    expected = explain_characteristic(item.key, item.value, organism=sample.organism_taxid)
                assert explain_characteristic(item.key, item.value, organism=sample.organism_taxid) == expected


def test_samples_that_differ_only_in_bookkeeping_keys_are_decided_once() -> None:
    from rnacorpus.harmonize.ontology.sample import sample_evidence
    from rnacorpus.schemas import Characteristic, Sample

    def sample(accession: str, donor: str) -> Sample:
        pairs = [("tissue", "liver"), ("donor id", donor), ("sex", "F")]
        return Sample(
            accession=accession,
            study_accession="GSE1",
            archive="geo",
            organism_taxid=9606,
            characteristics=[Characteristic(key=k, value=v) for k, v in pairs],
        )

    first, second = sample("GSM1", "D1"), sample("GSM2", "D2")
    assert sample_evidence(first) == sample_evidence(second)
    assert [id(a) for a in annotate_sample(first)] == [id(a) for a in annotate_sample(second)]
