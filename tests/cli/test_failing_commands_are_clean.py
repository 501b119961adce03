"""A failing command says one thing on stderr, shows no traceback unless ``-vv``, and leaves no lock.

Each command below fails for an ordinary reason (missing catalog, bad option, nothing to refresh, an
accession that is not a study); afterwards the folder holds no ``*.lock`` file. A run that succeeds
leaves none either. An unexpected error (a bug) is one ``internal error`` line with a hint, and its
traceback appears with ``-vv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rnacorpus.mirror import MirrorServer
from tests.cli.test_core_cli import run

FAILING = [
    (["status", "--catalog", "none.duckdb"], 2, "no catalog at none.duckdb"),
    (["migrate", "--catalog", "none.duckdb"], 2, "no catalog at none.duckdb"),
    (["query", "--tissue", "brain", "--catalog", "none.duckdb"], 2, "no catalog at none.duckdb"),
    (["query", "SELECT 1", "--tissue", "brain", "--catalog", "none.duckdb"], 2, "either SQL or field filters"),
    (["refresh", "--catalog", "new.duckdb", "--mirror", "http://127.0.0.1:9"], 2, "give --since DATE"),
    (["harvest", "GSE1", "--since", "soon", "--catalog", "new.duckdb"], 2, "--since expects a date"),
    (["harvest", "GSE12X", "--catalog", "new.duckdb"], 2, "cannot harvest accession: 'GSE12X'"),
    (["harvest", "--catalog", "new.duckdb"], 2, "give accessions"),
]


@pytest.mark.parametrize(("args", "code", "says"), FAILING, ids=[" ".join(a[:2]) for a, _, _ in FAILING])
def test_a_failing_command_prints_one_line_and_leaves_no_lock(
    tmp_path: Path, args: list[str], code: int, says: str
) -> None:
    done = run(*args, cwd=tmp_path)
    assert done.returncode == code, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rnacorpus: ") and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.rglob("*.lock")) == []


def test_a_run_that_succeeds_leaves_no_lock(tmp_path: Path, corpus_mirror: MirrorServer) -> None:
    paths = ["--catalog", "cat.duckdb", "--store", "store", "--cache", "cache", "--mirror", corpus_mirror.url]
    done = run("harvest", "GSE1299", *paths, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "cat.duckdb").exists() and list(tmp_path.rglob("*.lock")) == []
    migrated = run("migrate", "--catalog", "cat.duckdb", cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert list(tmp_path.rglob("*.lock")) == []


@pytest.mark.parametrize("verbose", [[], ["-vv"]], ids=["quiet", "-vv"])
def test_an_unexpected_error_is_one_line_and_its_traceback_needs_vv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], verbose: list[str]
) -> None:
    from rnacorpus import api
    from rnacorpus.cli import main

    def broken(**_: object) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "status", broken)
    monkeypatch.setattr(sys, "argv", ["rnacorpus", "status", "--catalog", str(tmp_path / "c.duckdb"), *verbose])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    if verbose:
        assert "Traceback (most recent call last)" in err and err.rstrip().endswith(
            "rnacorpus: internal error: RuntimeError: boom"
        )
    else:
        assert err == "rnacorpus: internal error: RuntimeError: boom (run again with -vv for the traceback)\n"
