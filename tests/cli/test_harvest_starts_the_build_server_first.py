"""``rnacorpus harvest`` with local build processes starts their fork server before the run itself.

The server's preload (modules, ontology tables: ~1.5 s) then runs beside the command's own imports,
the catalog's start and the first downloads, instead of after them; with one worker (a build thread)
or builds on a cluster there is no local server to start. The run is stopped where it would begin
(``api.harvest``), so the test sees the order of the two events without harvesting anything.
"""

from __future__ import annotations

import multiprocessing.forkserver
from pathlib import Path

import pytest

from tests.cli.harvest_until_the_run import harvest_until_the_run


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--workers", "2"], ["fork server", "run"]),
        (["--workers", "1"], ["run"]),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], ["run"]),
    ],
    ids=["processes", "one-thread", "cluster"],
)
def test_the_fork_server_starts_before_the_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, options: list[str], expected: list[str]
) -> None:
    events: list[str] = []
    monkeypatch.delenv("RNACORPUS_EXECUTOR", raising=False)
    monkeypatch.setattr(multiprocessing.forkserver, "ensure_running", lambda: events.append("fork server"))
    harvest_until_the_run(monkeypatch, tmp_path, events, ["GSE1"], options)
    assert events == expected
