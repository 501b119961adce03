"""``rnacorpus harvest`` raises the cyclic collector's young-generation threshold to the run's
(:data:`rnacorpus.pipeline.executor.GC_THRESHOLD`) before its own imports, not only once the run
begins: the imports and the catalog's start allocate enough objects for ~200 young and two full
collections at the default thresholds. The thresholds are the caller's again when the command ends."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rnacorpus import api
from rnacorpus.cli import _register, app
from rnacorpus.errors import ConfigError
from rnacorpus.pipeline.executor import GC_THRESHOLD


def test_the_command_collects_as_seldom_as_its_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[int] = []

    def run_begins(*args: Any, **kwargs: Any) -> None:
        seen.append(gc.get_threshold()[0])
        raise ConfigError("stopped where the run begins")

    monkeypatch.setattr(api, "harvest", run_begins)
    _register()
    before = gc.get_threshold()
    paths = ["--catalog", str(tmp_path / "c.duckdb"), "--store", str(tmp_path / "s"), "--cache", str(tmp_path / "k")]
    result = CliRunner().invoke(app, ["harvest", "GSE1", *paths, "--offline"])
    assert isinstance(result.exception, ConfigError), result.output
    assert seen == [max(GC_THRESHOLD, before[0])]
    assert gc.get_threshold() == before
