"""``rnacorpus harvest`` invoked as a user would, and stopped where the run itself begins.

Tests of what the command does *before* the run (a head-start download, the build server's start)
record their events in a list; :func:`harvest_until_the_run` adds ``"run"`` to it when ``api.harvest``
is reached, and stops there (a :class:`ConfigError`), so nothing is harvested. Catalog, store and
cache are under the test's folder and the mirror is a closed port.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from rnacorpus import api
from rnacorpus.cli import _register, app
from rnacorpus.errors import ConfigError


def harvest_until_the_run(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    events: list[str],
    accessions: Sequence[str],
    options: Sequence[str] = (),
) -> Result:
    """Invoke ``rnacorpus harvest ACCESSIONS… OPTIONS…``; ``"run"`` joins ``events`` where the run begins."""

    def run_begins(*args: Any, **kwargs: Any) -> None:
        events.append("run")
        raise ConfigError("stopped where the run begins")

    monkeypatch.setattr(api, "harvest", run_begins)
    _register()
    paths = ["--catalog", str(tmp_path / "c.duckdb"), "--store", str(tmp_path / "s"), "--cache", str(tmp_path / "k")]
    result = CliRunner().invoke(app, ["harvest", *accessions, *paths, "--mirror", "http://127.0.0.1:9", *options])
    assert isinstance(result.exception, ConfigError), result.output
    return result
