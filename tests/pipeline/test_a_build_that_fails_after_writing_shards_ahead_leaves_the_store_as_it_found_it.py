"""A build that fails after some of its shards were written ahead leaves the store as it found it.

Shards are written while the harmonize step still runs (``rnacorpus.pipeline.shards_ahead``), so a
harmonize error can now come after a shard is in the store. The study is quarantined at the step
that failed, nothing of it is loaded, no writer thread outlives the build, and the shards it wrote
are deleted — unless the build ran under the content key the catalog already holds (a forced
rebuild): those paths are the committed shards themselves, and they stay, whole.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rnacorpus.catalog.load import LoadPlan
from rnacorpus.errors import BadContentError
from rnacorpus.fileio import sha256_file
from rnacorpus.harvester.base import StudyRef
from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline import plan as plan_module
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.plan import pipeline_salt
from rnacorpus.pipeline.worker import Fetched, StudyTask, build_study, fetch_study
from rnacorpus.schemas import StudyBundle
from tests.conftest import mirror_config
from tests.reliability.snapshot import open_catalog

STUDY = "GSE7774"  # mouse Affymetrix sample tables: a feature-level and a gene-level shard
WAIT = 30.0


def study_files(store: Path) -> list[Path]:
    return sorted(p for p in (store / "expression").rglob("*") if p.is_file()) if store.exists() else []


def failing_after_the_shard(store: Path) -> Callable[[StudyBundle, LoadPlan], None]:
    """A metadata step that fails once a shard of the study is in the store (written ahead)."""

    def metadata(bundle: StudyBundle, plan: LoadPlan) -> None:
        deadline = time.monotonic() + WAIT
        while not list(store.rglob(f"{STUDY}_*_feature_*.parquet")):
            assert time.monotonic() < deadline, "no shard was written while the metadata step ran"
            time.sleep(0.02)
        raise BadContentError("a characteristic no rule can read", accession=bundle.study.accession)

    return metadata


def writers_alive() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("rnacorpus-shards-ahead")]


def test_the_study_is_quarantined_with_nothing_loaded_and_no_shard_left(
    tmp_path: Path, corpus_mirror: MirrorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = mirror_config(tmp_path, corpus_mirror.url)
    with monkeypatch.context() as patch:
        patch.setattr(plan_module, "harmonize_metadata", failing_after_the_shard(tmp_path / "store"))
        report = harvest([STUDY], config=config)
    assert report.exit_code == 1
    assert writers_alive() == []
    with open_catalog(tmp_path / "catalog.duckdb") as con:
        assert con.execute("SELECT accession, step FROM quarantine").fetchall() == [(STUDY, "harmonize")]
        assert con.execute("SELECT count(*) FROM expression_shards").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM samples").fetchone() == (0,)
    assert study_files(tmp_path / "store") == []

    again = harvest([STUDY], config=config)  # the cause gone, the study loads
    assert again.exit_code == 0, [r.message for r in again.failed]
    with open_catalog(tmp_path / "catalog.duckdb") as con:
        paths = {str(p) for (p,) in con.execute("SELECT path FROM expression_shards").fetchall()}
        assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)
    assert len(paths) == 2
    assert {p.relative_to(tmp_path / "store").as_posix() for p in study_files(tmp_path / "store")} == paths


def test_a_forced_rebuild_that_fails_keeps_the_shards_the_catalog_points_at(
    tmp_path: Path, corpus_mirror: MirrorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = mirror_config(tmp_path, corpus_mirror.url)
    assert harvest([STUDY], config=config).exit_code == 0
    with open_catalog(tmp_path / "catalog.duckdb") as con:
        [(stored_key,)] = con.execute("SELECT content_sha256 FROM studies WHERE accession = ?", [STUDY]).fetchall()
        committed = con.execute("SELECT path, sha256 FROM expression_shards").fetchall()
    task = StudyTask(StudyRef(accession=STUDY, source="geo"), config, pipeline_salt(), str(stored_key), force=True)
    work = fetch_study(task)
    assert isinstance(work, Fetched)
    monkeypatch.setattr(plan_module, "harmonize_metadata", failing_after_the_shard(tmp_path / "store"))
    manifest = build_study(work)
    assert (manifest.status, manifest.step) == ("failed", "harmonize")
    assert writers_alive() == []
    assert len(committed) == 2
    for path, sha256 in committed:  # the same paths, written again with the same bytes, and kept
        assert sha256_file(tmp_path / "store" / str(path)) == sha256
