"""A feature-level shard whose row groups were encoded while the parser spooled its samples
(:mod:`rnacorpus.catalog.early_shard`) is byte for byte the shard written after the parse; when the
finished matrix is not what was encoded the shard is written as before; an encoding failure is the
shard write's error and leaves neither the shard nor a temp file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnacorpus.catalog import early_shard
from rnacorpus.catalog.early_shard import EarlyFeatureShards, EarlyShard
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.harvester.geo.synthetic import synthetic_array_study
from rnacorpus.harvester.geo.writer import write_family_soft
from rnacorpus.schemas import CHUNK_SAMPLES, ExpressionMatrix, SpooledMatrix, StudyBundle

KEY = "ab" * 32


def _soft(tmp_path: Path, n_samples: int, *, widen_last: bool = False) -> Path:
    bundle = synthetic_array_study(n_samples=n_samples, n_probes=700, missing_fraction=0.01, seed=7)
    if widen_last:  # the last sample lists two probes the others lack: earlier rows read back wider
        matrix = bundle.expression[0]
        assert isinstance(matrix, ExpressionMatrix)
        late = ExpressionMatrix(
            matrix.source,
            matrix.sample_accessions[-1:],
            [*matrix.feature_ids, "EXTRA1_at", "EXTRA2_at"],
            np.hstack([matrix.values[-1:], np.full((1, 2), 3.5, np.float32)]),
        )
        early = ExpressionMatrix(
            matrix.source, matrix.sample_accessions[:-1], list(matrix.feature_ids), matrix.values[:-1]
        )
        bundle.expression = [early, late]
    path = tmp_path / "GSE990001_family.soft.gz"
    write_family_soft(bundle, path)
    return path


def _matrix(bundle: StudyBundle) -> SpooledMatrix:
    matrix = bundle.expression[0]
    assert isinstance(matrix, SpooledMatrix)
    return matrix


def _write(store: ExpressionStore, matrix: SpooledMatrix) -> tuple[str, str, int]:
    info = store.write(matrix, archive="geo", content_key=KEY, level="feature")
    return info.path, info.sha256, info.bytes


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(".*.part"))


@pytest.mark.parametrize("n_samples", [CHUNK_SAMPLES, 2 * CHUNK_SAMPLES + 5])
def test_a_shard_encoded_during_the_parse_is_the_shard_written_after_it(tmp_path: Path, n_samples: int) -> None:
    path = _soft(tmp_path, n_samples)
    early_store, plain_store = ExpressionStore(tmp_path / "early"), ExpressionStore(tmp_path / "plain")
    with EarlyFeatureShards(early_store.root):
        early = _matrix(parse_family_soft(path))
        assert isinstance(early.watcher, EarlyShard) and early.watcher.matches(early)
        written = _write(early_store, early)
        assert early.watcher.finished  # the early encoding made this shard, not a second pass
    plain = _matrix(parse_family_soft(path))
    assert plain.watcher is None
    assert written == _write(plain_store, plain)
    relpath = written[0]
    assert (early_store.root / relpath).read_bytes() == (plain_store.root / relpath).read_bytes()
    assert _leftovers(early_store.root) == []


def test_a_matrix_a_later_sample_widened_is_written_after_the_parse(tmp_path: Path) -> None:
    path = _soft(tmp_path, CHUNK_SAMPLES + 3, widen_last=True)
    store, plain_store = ExpressionStore(tmp_path / "early"), ExpressionStore(tmp_path / "plain")
    with EarlyFeatureShards(store.root):
        matrix = _matrix(parse_family_soft(path))
        assert isinstance(matrix.watcher, EarlyShard)
        assert matrix.watcher.dropped and not matrix.watcher.matches(matrix)
        written = _write(store, matrix)
    assert written == _write(plain_store, _matrix(parse_family_soft(path)))
    assert _leftovers(store.root) == []


def test_a_selection_of_the_samples_is_written_after_the_parse(tmp_path: Path) -> None:
    path = _soft(tmp_path, CHUNK_SAMPLES + 3)
    store, plain_store = ExpressionStore(tmp_path / "early"), ExpressionStore(tmp_path / "plain")
    rows = list(range(1, CHUNK_SAMPLES + 3))
    with EarlyFeatureShards(store.root):
        whole = _matrix(parse_family_soft(path))
        chosen = whole.select(rows)
        assert isinstance(chosen, SpooledMatrix) and early_shard.early_shard_of(chosen, store.root) is None
        written = _write(store, chosen)
        assert not isinstance(whole.watcher, EarlyShard) or not whole.watcher.finished
    plain = _matrix(parse_family_soft(path)).select(rows)
    assert isinstance(plain, SpooledMatrix)
    assert written == _write(plain_store, plain)
    assert _leftovers(store.root) == []  # the unused early encoding was dropped with its temp file


def test_a_failure_while_encoding_is_the_writes_error_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _soft(tmp_path, 2 * CHUNK_SAMPLES + 5)
    store = ExpressionStore(tmp_path / "early")
    real = early_shard.chunk_table
    calls = []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk gone while encoding the second row group")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(early_shard, "chunk_table", failing)
    with EarlyFeatureShards(store.root):
        matrix = _matrix(parse_family_soft(path))
        relpath = ExpressionStore.shard_relpath("geo", matrix, "feature", KEY)
        with pytest.raises(OSError, match="second row group"):
            _write(store, matrix)
    assert not (store.root / relpath).exists()
    assert _leftovers(store.root) == []
    assert [p for p in store.root.rglob("*") if p.is_file()] == []


def test_spools_filled_outside_the_block_are_not_watched(tmp_path: Path) -> None:
    path = _soft(tmp_path, CHUNK_SAMPLES)
    with EarlyFeatureShards(None):  # a remote store: nothing is encoded early
        assert _matrix(parse_family_soft(path)).watcher is None
    assert _matrix(parse_family_soft(path)).watcher is None


def test_a_matrix_of_fewer_samples_than_a_chunk_is_written_after_the_parse(tmp_path: Path) -> None:
    path = _soft(tmp_path, CHUNK_SAMPLES - 1)
    store, plain_store = ExpressionStore(tmp_path / "early"), ExpressionStore(tmp_path / "plain")
    with EarlyFeatureShards(store.root):
        matrix = _matrix(parse_family_soft(path))
        assert isinstance(matrix.watcher, EarlyShard) and not matrix.watcher.matches(matrix)
        assert not (store.root / "expression").exists() or _leftovers(store.root) == []  # no temp file made
        written = _write(store, matrix)
    assert written == _write(plain_store, _matrix(parse_family_soft(path)))
