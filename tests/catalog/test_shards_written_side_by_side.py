"""A study's shards are written two at a time; the package is byte for byte the one written in turn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnacorpus.catalog import package as package_module
from rnacorpus.catalog.package import write_package
from rnacorpus.catalog.plan import LoadPlan, ShardPlan
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.schemas import DerivedMatrix
from tests.builders import make_bundle


def _plan() -> LoadPlan:
    """A feature-level matrix of 150 samples (three chunks) and a gene-level view of it."""
    samples = [f"GSM{k}" for k in range(1, 151)]
    bundle = make_bundle("GSE10", samples, features=[f"probe_{i}" for i in range(40)])
    matrix = bundle.expression[0]
    source = matrix.source.model_copy(update={"feature_id_kind": "ensembl", "n_features": 20})
    genes = DerivedMatrix(
        source, list(matrix.sample_accessions), [f"ENSG{k:011d}" for k in range(20)], matrix, lambda v: v[:, ::2] * 2
    )
    return LoadPlan(bundle, content_sha256="f" * 64, shards=[ShardPlan(matrix=matrix), ShardPlan(genes, level="gene")])


def _sequential(store: ExpressionStore, plan: LoadPlan) -> list[object]:
    return [package_module._write_shard(store, plan, shard) for shard in plan.shards]


def test_shards_written_side_by_side_equal_shards_written_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    together = write_package(ExpressionStore(tmp_path / "a"), _plan())
    monkeypatch.setattr(package_module, "_write_shards", _sequential)
    in_turn = write_package(ExpressionStore(tmp_path / "b"), _plan())
    assert together.sha256 == in_turn.sha256
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.parquet"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.parquet"))
    assert files_a == files_b and any("gene" in str(p) for p in files_a)
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_a_shard_that_fails_fails_the_package(tmp_path: Path) -> None:
    plan = _plan()

    def broken(values: np.ndarray) -> np.ndarray:
        raise ValueError("collapse failed")

    gene = plan.shards[1].matrix
    assert isinstance(gene, DerivedMatrix)
    gene.transform = broken
    with pytest.raises(ValueError, match="collapse failed"):
        write_package(ExpressionStore(tmp_path / "store"), plan)
    assert not list((tmp_path / "store").rglob("*gene*.parquet"))
