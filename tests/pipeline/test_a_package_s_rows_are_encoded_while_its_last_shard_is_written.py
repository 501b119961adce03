"""A build encodes its package's rows (every table but the shards', and the probe tables) while its
last shards are still being written (:func:`rnacorpus.catalog.package.encode_rows_ahead`), and the
package is the one the writer makes alone: same manifest, same files.

Here the gene-level shard's write waits until the rows are encoded: under a build that encodes them
only after every shard is written, it waits forever and the study fails. Nothing is written ahead
but the shards: a build that fails while collecting them leaves no probe table in the store.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from rnacorpus.catalog import package
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline import worker
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.plan import build_load_plan
from tests.conftest import corpus_root, mirror_config
from tests.reliability.snapshot import open_catalog

STUDY = "GSE7774"  # mouse Affymetrix sample tables: a feature-level and a gene-level shard
WAIT = 30.0


def holding_the_gene_shard(monkeypatch: pytest.MonkeyPatch, until: threading.Event, wait: float = WAIT) -> None:
    real = ExpressionStore.write

    def write(self: ExpressionStore, matrix: Any, **kwargs: Any) -> Any:
        if kwargs.get("level") == "gene" and not until.wait(wait):
            raise RnacorpusError("the gene-level shard was written before the package's rows were encoded")
        return real(self, matrix, **kwargs)

    monkeypatch.setattr(ExpressionStore, "write", write)


def test_the_rows_are_encoded_before_the_gene_shard_is_written(
    tmp_path: Path, corpus_mirror: MirrorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded = threading.Event()
    real = worker.encode_rows_ahead

    def encode(*args: Any) -> package.RowsAhead:
        rows = real(*args)
        encoded.set()
        return rows

    monkeypatch.setattr(worker, "encode_rows_ahead", encode)
    holding_the_gene_shard(monkeypatch, encoded)
    report = harvest([STUDY], config=mirror_config(tmp_path, corpus_mirror.url))
    assert report.exit_code == 0, [r.message for r in report.failed]
    with open_catalog(tmp_path / "catalog.duckdb") as con:
        levels = con.execute("SELECT level FROM expression_shards ORDER BY level").fetchall()
    assert levels == [("feature",), ("gene",)]


def test_the_package_is_the_one_the_writer_makes_alone(tmp_path: Path) -> None:
    [path] = corpus_root().rglob(f"{STUDY}_family.soft.gz")
    bundle = parse_family_soft(path)
    plan = build_load_plan(bundle, content_sha256="0" * 64)
    alone, ahead = ExpressionStore(tmp_path / "alone"), ExpressionStore(tmp_path / "ahead")
    by_itself = package.write_package(alone, plan)
    for shard in plan.shards:  # both writers write every shard themselves
        shard.written = None
    with_rows = package.write_package(ahead, plan, package.encode_rows_ahead(ahead, plan))
    assert by_itself == with_rows
    files = sorted(p.relative_to(alone.root) for p in alone.root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(ahead.root) for p in ahead.root.rglob("*") if p.is_file())
    for relative in files:
        assert (alone.root / relative).read_bytes() == (ahead.root / relative).read_bytes(), relative


def test_a_build_that_fails_collecting_its_shards_writes_no_probe_table(
    tmp_path: Path, corpus_mirror: MirrorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    never = threading.Event()
    monkeypatch.setattr(worker, "encode_rows_ahead", package.encode_rows_ahead)
    holding_the_gene_shard(monkeypatch, never, wait=0.1)  # the gene-level shard's write fails
    report = harvest([STUDY], config=mirror_config(tmp_path, corpus_mirror.url))
    assert report.exit_code == 1
    store = tmp_path / "store"
    assert list((store / "platforms").rglob("*.parquet")) + list((store / "expression").rglob("*.parquet")) == []
