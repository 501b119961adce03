"""A study whose sample tables are spooled on disk gives the same shards, byte for byte, as the same
matrices held in memory: values, feature order, units, gene-level collapse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.harmonize.genes import load_reference
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.harvester.geo.synthetic import synthetic_array_study
from rnacorpus.harvester.geo.writer import write_family_soft
from rnacorpus.pipeline.plan import build_load_plan
from rnacorpus.schemas import CHUNK_SAMPLES, ExpressionMatrix, SpooledMatrix, StudyBundle

CORPUS_FILES = [
    "geo/soft/GSE1299_family.soft.gz",
    "geo/soft/GSE11897_family.soft.gz",
    "geo/soft/GSE14618.soft.gz",
]


def _in_memory(bundle: StudyBundle) -> StudyBundle:
    bundle.expression = [
        ExpressionMatrix(m.source, list(m.sample_accessions), list(m.feature_ids), m.values) for m in bundle.expression
    ]
    return bundle


def _shards(bundle: StudyBundle, root: Path) -> list[tuple[str, str, dict[str, object]]]:
    plan = build_load_plan(bundle, content_sha256="0" * 64, run_id="test")
    store = ExpressionStore(root)
    written = []
    for shard in plan.shards:
        info = store.write(
            shard.matrix,
            archive="geo",
            content_key=plan.content_sha256,
            level=shard.level,
            collapse_rule=shard.collapse_rule,
        )
        written.append((info.path, info.sha256, {k: v.__dict__ for k, v in shard.sample_units.items()}))
    return written


def _assert_same_shards(path: Path, accession: str | None, tmp_path: Path) -> list[tuple[str, str, dict[str, object]]]:
    streamed = parse_family_soft(path, accession=accession)
    assert streamed.expression and all(isinstance(m, SpooledMatrix) for m in streamed.expression)
    held = _in_memory(parse_family_soft(path, accession=accession))
    a, b = _shards(streamed, tmp_path / "streamed"), _shards(held, tmp_path / "held")
    assert a == b  # same paths, same sha256 (so same values, feature order, metadata), same units
    for relpath, _, _ in a:
        assert (tmp_path / "streamed" / relpath).read_bytes() == (tmp_path / "held" / relpath).read_bytes()
    return a


@pytest.mark.parametrize("rel", CORPUS_FILES)
def test_real_family_files_give_the_same_shards_streamed_or_in_memory(corpus: Path, tmp_path: Path, rel: str) -> None:
    assert _assert_same_shards(corpus / rel, None, tmp_path)


def test_a_generated_series_over_several_chunks_gives_the_same_shards(tmp_path: Path) -> None:
    genes = load_reference("human").genes_table().slice(0, 400)
    pairs = list(zip(genes["symbol"].to_pylist(), genes["entrez_id"].to_pylist(), strict=True))
    n = 2 * CHUNK_SAMPLES + 9
    bundle = synthetic_array_study(n_samples=n, n_probes=1500, genes=pairs, missing_fraction=0.01, seed=4)
    # the last samples list their probes in another order and add three probes the others lack
    matrix = bundle.expression[0]
    assert isinstance(matrix, ExpressionMatrix)
    tail = slice(n - 5, n)
    order = np.arange(len(matrix.feature_ids))[::-1]
    extra = np.full((5, 3), 7.5, np.float32)
    late = ExpressionMatrix(
        matrix.source,
        matrix.sample_accessions[tail],
        [matrix.feature_ids[k] for k in order] + ["EXTRA1_at", "EXTRA2_at", "EXTRA3_at"],
        np.hstack([matrix.values[tail][:, order], extra]),
    )
    bundle.expression = [matrix.select(list(range(n - 5))), late]
    path = write_family_soft(bundle, tmp_path / "GSE990001_family.soft.gz")

    shards = _assert_same_shards(path, None, tmp_path)
    assert [relpath.rsplit("_", 2)[-2] for relpath, _, _ in shards] == ["feature", "gene"]
    data = ExpressionStore(tmp_path / "streamed").read(shards[0][0])
    assert data.feature_ids == [*matrix.feature_ids, "EXTRA1_at", "EXTRA2_at", "EXTRA3_at"]
    np.testing.assert_array_equal(data.values[: n - 5, :1500], matrix.values[: n - 5])
    assert np.isnan(data.values[: n - 5, 1500:]).all()  # absent from the earlier samples' tables
    np.testing.assert_array_equal(data.values[n - 5 :, :1500], matrix.values[tail])
    assert (data.values[n - 5 :, 1500:] == 7.5).all()
