"""A study's shards are written side by side (``ExpressionStore.write_all``): each is the file a lone
``write`` gives, byte for byte, with the sha256 and size of the bytes on disk (hashed as they went
out, not read back), in request order; a shard that fails leaves nothing under its name, and the
writers really overlap (two matrices that can only finish together do finish)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.store import ExpressionStore, ShardRequest
from rnacorpus.errors import ParseError
from rnacorpus.fileio import sha256_file
from rnacorpus.schemas import CHUNK_SAMPLES, ExpressionMatrix, ExpressionSource, ValueChunk

ARCHIVE, KEY = "geo", "ab" * 32


def _matrix(platform: str, n_samples: int, n_features: int, seed: int, kind: str = "sample_tables") -> ExpressionMatrix:
    rng = np.random.default_rng(seed)
    values = rng.lognormal(5, 2, (n_samples, n_features)).astype(np.float32)
    values[rng.random(values.shape) < 0.01] = np.nan
    source = ExpressionSource(
        study_accession="GSE1", platform_accession=platform, kind=kind, file="GSE1_family.soft.gz", value_column="VALUE"
    )
    return ExpressionMatrix(
        source, [f"GSM{seed}{k:04d}" for k in range(n_samples)], [f"{platform}_p{j}" for j in range(n_features)], values
    )


@dataclass
class _Gated:
    """A matrix whose every chunk waits at a barrier the other writer's matrix must also reach."""

    inner: ExpressionMatrix
    gate: threading.Barrier

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def chunks(self, size: int = CHUNK_SAMPLES) -> Iterator[ValueChunk]:
        for chunk in self.inner.chunks(size):
            self.gate.wait()  # raises BrokenBarrierError after its timeout when the writers run one by one
            yield chunk


@dataclass
class _Failing:
    """A matrix whose values cannot be read past its first chunk (a spool that went bad)."""

    inner: ExpressionMatrix

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def chunks(self, size: int = CHUNK_SAMPLES) -> Iterator[ValueChunk]:
        for k, chunk in enumerate(self.inner.chunks(size)):
            if k == 1:
                raise ParseError("spool row unreadable", accession="GSM1")
            yield chunk


def test_shards_written_together_equal_shards_written_alone_and_carry_their_files_checksums(tmp_path: Path) -> None:
    requests = [
        ShardRequest(_matrix("GPL1", 150, 700, 1)),
        ShardRequest(_matrix("GPL1", 150, 90, 2), level="gene", collapse_rule="mean"),
        ShardRequest(_matrix("GPL2", 3, 40, 3)),
    ]
    together = ExpressionStore(tmp_path / "together").write_all(requests, archive=ARCHIVE, content_key=KEY)
    alone_store = ExpressionStore(tmp_path / "alone")
    alone = [
        alone_store.write(r.matrix, archive=ARCHIVE, content_key=KEY, level=r.level, collapse_rule=r.collapse_rule)
        for r in requests
    ]
    assert together == alone  # same paths, checksums, sizes, in request order
    for info, request in zip(together, requests, strict=True):
        path = tmp_path / "together" / info.path
        assert info.sha256 == sha256_file(path) and info.bytes == path.stat().st_size
        assert path.read_bytes() == (tmp_path / "alone" / info.path).read_bytes()
        assert info.level == request.level and info.n_samples == len(request.matrix.sample_accessions)
        back = ExpressionStore(tmp_path / "together").read(info.path, sha256=info.sha256)
        assert back.sample_accessions == request.matrix.sample_accessions
        np.testing.assert_array_equal(back.values, request.matrix.values)  # NaN where NaN
        assert pq.ParquetFile(path).metadata.num_row_groups == -(-len(back.sample_accessions) // CHUNK_SAMPLES)


def test_the_writers_overlap(tmp_path: Path) -> None:
    gate = threading.Barrier(2, timeout=20)
    requests = [
        ShardRequest(_Gated(_matrix("GPL1", 2 * CHUNK_SAMPLES, 50, 1), gate)),  # type: ignore[arg-type]
        ShardRequest(_Gated(_matrix("GPL1", 2 * CHUNK_SAMPLES, 20, 2), gate), level="gene"),  # type: ignore[arg-type]
    ]
    infos = ExpressionStore(tmp_path).write_all(requests, archive=ARCHIVE, content_key=KEY)
    assert [info.level for info in infos] == ["feature", "gene"]


def test_a_shard_that_fails_leaves_nothing_under_its_name_and_the_error_names_it(tmp_path: Path) -> None:
    good = _matrix("GPL1", 2 * CHUNK_SAMPLES, 30, 1)
    bad = _Failing(_matrix("GPL2", 2 * CHUNK_SAMPLES, 30, 2))
    store = ExpressionStore(tmp_path)
    requests = [ShardRequest(good), ShardRequest(bad)]  # type: ignore[arg-type]
    with pytest.raises(ParseError, match="spool row unreadable") as caught:
        store.write_all(requests, archive=ARCHIVE, content_key=KEY)
    assert caught.value.accession == "GSM1"
    assert not store.exists(store.shard_relpath(ARCHIVE, bad, "feature", KEY))  # type: ignore[arg-type]
    left = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    # the good shard is whole (an orphan a later load sweeps) or absent; no temp file survives
    assert left in ([], [Path(store.shard_relpath(ARCHIVE, good, "feature", KEY)).name])
