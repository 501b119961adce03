"""While a commit runs, the run loop goes on handing studies to the build workers.

The committer has its own thread (``pipeline/runner.py``): a commit of a few thousand samples takes
about half a second, and when it ran in the loop's thread the workers got no new study meanwhile.
Here the first commit is held for a second; studies are still submitted for building during it, and
the run still loads every study once, in plan order, with its run-log row.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

import rnacorpus.pipeline.runner as runner_module
from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.harvester.geo.synthetic_series import CorpusSpec, write_metadata_corpus
from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline.inflight import InFlight
from tests.conftest import mirror_config

SPEC = CorpusSpec(n_series=10, n_samples=20, seed=5)
HOLD = 1.0


def test_studies_are_submitted_for_building_while_the_first_commit_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_metadata_corpus(tmp_path / "archive", SPEC)
    commits: list[tuple[float, float, str]] = []
    submits: list[float] = []
    apply_packages = runner_module.apply_packages
    submit = InFlight._submit

    def slow_first_commit(*args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        if not commits:
            time.sleep(HOLD)
        applied = apply_packages(*args, **kwargs)
        commits.append((started, time.monotonic(), threading.current_thread().name))
        return applied

    def counted_submit(self: InFlight, slot: Any) -> bool:
        submits.append(time.monotonic())
        return submit(self, slot)

    monkeypatch.setattr(runner_module, "apply_packages", slow_first_commit)
    monkeypatch.setattr(InFlight, "_submit", counted_submit)
    with MirrorServer(tmp_path / "archive") as mirror:
        config = mirror_config(tmp_path / "run", mirror.url, workers=1, executor="threads", commit_batch=2)
        report = api.harvest(SPEC.accessions, config=config)
    assert report.exit_code == 0, report.to_dict()
    assert [r.accession for r in report.results] == SPEC.accessions  # results in plan order
    assert report.counts["new"] == SPEC.n_series

    first_start, first_end, thread = commits[0]
    assert thread.startswith("rnacorpus-commit")
    during = [t for t in submits if first_start < t < first_end]
    assert during, "no study was handed to the workers while the first commit ran"
    loaded = Catalog.open(config.catalog_path).sql("SELECT count(*) AS n FROM samples").to_pylist()[0]["n"]
    assert loaded == SPEC.n_series * SPEC.n_samples


def test_a_commit_that_raises_stops_the_run_with_its_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the committer's thread raises outside a study's own transaction reaches the caller."""
    write_metadata_corpus(tmp_path / "archive", CorpusSpec(n_series=3, n_samples=5, seed=5))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the committer broke")

    monkeypatch.setattr(runner_module, "record_item", broken)
    with MirrorServer(tmp_path / "archive") as mirror:
        config = mirror_config(tmp_path / "run", mirror.url, workers=1, executor="threads", commit_batch=1)
        with pytest.raises(RuntimeError, match="the committer broke"):
            api.harvest(CorpusSpec(n_series=3, n_samples=5, seed=5).accessions, config=config)
