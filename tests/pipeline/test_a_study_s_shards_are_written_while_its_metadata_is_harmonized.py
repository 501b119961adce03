"""A study's shards are written while the rest of its harmonize step runs, and they are the same files.

The expression step hands each shard to a writer as soon as it has planned it (feature level: its
units known; gene level: its mapping known), so Parquet's encoding runs beside the metadata step's
ontology annotation instead of after it (``rnacorpus.pipeline.shards_ahead``). Here the metadata
step of a real corpus series waits until the series' feature-level shard is in the store: under a
harvest that writes shards only after the whole harmonize step, it never is, and the study fails.
The shards loaded are the ones the package writer alone makes (same paths, same checksums).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rnacorpus.catalog.load import LoadPlan
from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline import plan as plan_module
from rnacorpus.pipeline import shards_ahead
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.schemas import StudyBundle
from tests.conftest import mirror_config
from tests.reliability.snapshot import open_catalog

STUDY = "GSE7774"  # mouse Affymetrix sample tables: a feature-level and a gene-level shard
WAIT = 30.0


def feature_shards(store: Path) -> list[Path]:
    return sorted(store.rglob(f"{STUDY}_*_feature_*.parquet"))


def shards(folder: Path) -> list[tuple[str, str, int, int, str]]:
    with open_catalog(folder / "catalog.duckdb") as con:
        rows = con.execute(
            "SELECT path, sha256, n_samples, n_genes, level FROM expression_shards "
            "WHERE study_accession = ? ORDER BY path",
            [STUDY],
        ).fetchall()
    return [(str(p), str(s), int(n), int(g), str(level)) for p, s, n, g, level in rows]


def waiting_for_the_shard(store: Path) -> Callable[[StudyBundle, LoadPlan], None]:
    real = plan_module.harmonize_metadata

    def metadata(bundle: StudyBundle, plan: LoadPlan) -> None:
        deadline = time.monotonic() + WAIT
        while not feature_shards(store):
            assert time.monotonic() < deadline, "no shard was written while the metadata step ran"
            time.sleep(0.02)
        real(bundle, plan)

    return metadata


def test_the_feature_shard_is_in_the_store_before_the_metadata_step_ends(
    tmp_path: Path, corpus_mirror: MirrorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = mirror_config(tmp_path, corpus_mirror.url)
    monkeypatch.setattr(plan_module, "harmonize_metadata", waiting_for_the_shard(tmp_path / "store"))
    report = harvest([STUDY], config=config)
    assert report.exit_code == 0, [r.message for r in report.failed]
    loaded = shards(tmp_path)
    assert sorted(level for *_, level in loaded) == ["feature", "gene"]
    for path, *_ in loaded:  # every shard the catalog points at is in the store
        assert (tmp_path / "store" / path).is_file()


def test_shards_written_ahead_are_the_files_the_package_writer_makes(
    tmp_path: Path, corpus_mirror: MirrorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead = tmp_path / "ahead"
    report = harvest([STUDY], config=mirror_config(ahead, corpus_mirror.url))
    assert report.exit_code == 0, [r.message for r in report.failed]

    def not_ahead(self: shards_ahead.ShardsAhead, shard: Any) -> None:  # the package writer writes them all
        return None

    monkeypatch.setattr(shards_ahead.ShardsAhead, "start", not_ahead)
    after = tmp_path / "after"
    report = harvest([STUDY], config=mirror_config(after, corpus_mirror.url))
    assert report.exit_code == 0, [r.message for r in report.failed]
    assert shards(ahead) == shards(after) != []
