"""``build_load_plan`` runs the metadata step in a thread beside the expression step when a study has
matrices; the plan it gives is the one the two steps give run one after another: the same harmonized
columns (in the same order), the same extra tables and rows, the same shards with the same units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rnacorpus.catalog.plan import LoadPlan
from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.pipeline import plan as plan_module
from rnacorpus.pipeline.expression import harmonize_expression
from rnacorpus.pipeline.metadata import harmonize_metadata
from rnacorpus.pipeline.plan import build_load_plan

CORPUS_FILES = [
    ("geo/soft/GSE1299_family.soft.gz", None),
    ("geo/soft/GSE14618.soft.gz", None),
    ("geo/soft/GSE11897_family.soft.gz", None),
]


def _in_sequence(path: Path) -> LoadPlan:
    bundle = parse_family_soft(path)
    plan = LoadPlan(bundle=bundle, content_sha256="k", harmonized={s.accession: {} for s in bundle.samples})
    harmonize_metadata(bundle, plan)
    harmonize_expression(bundle, plan)
    return plan


def _contents(plan: LoadPlan) -> dict[str, Any]:
    return {
        "harmonized": [(accession, list(fields.items())) for accession, fields in plan.harmonized.items()],
        "extra": [(t.table, t.key_column, t.keys, t.rows) for t in plan.extra],
        "shards": [
            (s.level, s.collapse_rule, s.matrix.sample_accessions, s.matrix.feature_ids, s.sample_units)
            for s in plan.shards
        ],
        "annotations": [(s.accession, s.annotations) for s in plan.bundle.samples],
    }


@pytest.mark.parametrize(("rel", "accession"), CORPUS_FILES)
def test_the_plan_is_the_one_the_steps_give_in_sequence(corpus: Path, rel: str, accession: str | None) -> None:
    expected = _in_sequence(corpus / rel)
    assert expected.shards, "the file must have matrices, or the thread is never used"
    built = build_load_plan(parse_family_soft(corpus / rel), content_sha256="k")
    assert _contents(built) == _contents(expected)


def test_a_metadata_failure_is_raised_before_an_expression_failure(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In sequence the metadata step fails first; beside each other, its error still wins."""

    def metadata_fails(*_: object) -> None:
        raise RnacorpusError("metadata step failed")

    def expression_fails(*_: object) -> None:
        raise RnacorpusError("expression step failed")

    monkeypatch.setattr(plan_module, "harmonize_metadata", metadata_fails)
    monkeypatch.setattr(plan_module, "harmonize_matrices", expression_fails)
    bundle = parse_family_soft(corpus / CORPUS_FILES[0][0])
    with pytest.raises(RnacorpusError, match="metadata step failed"):
        build_load_plan(bundle, content_sha256="k")


def test_an_expression_failure_is_raised_when_the_metadata_step_succeeds(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def expression_fails(*_: object) -> None:
        raise RnacorpusError("expression step failed")

    monkeypatch.setattr(plan_module, "harmonize_matrices", expression_fails)
    bundle = parse_family_soft(corpus / CORPUS_FILES[0][0])
    with pytest.raises(RnacorpusError, match="expression step failed"):
        build_load_plan(bundle, content_sha256="k")
