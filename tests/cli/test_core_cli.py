"""The core commands through the real console entry point: harvest → query → export → verify → status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnacorpus.mirror import MirrorServer

ENTRY = [sys.executable, "-c", "from rnacorpus.cli import main; main()"]


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ENTRY, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        input=stdin,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def workdir(corpus_mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    done = run(
        "harvest",
        "GSE63966",
        "GSE1299",
        "GSE7774",
        "GSE11897",
        "--mirror",
        corpus_mirror.url,
        "--catalog",
        "cat.duckdb",
        "--store",
        "store",
        "--cache",
        "cache",
        "--json",
        cwd=folder,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["counts"]["new"] == 4 and report["exit_code"] == 0
    return folder


def test_query_sql_json(workdir: Path) -> None:
    """``query --json`` streams JSON Lines: one object per row."""
    done = run("query", "SELECT count(*) AS n FROM studies", "--catalog", "cat.duckdb", "--json", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [{"n": 4}]


def test_query_refuses_writes_with_exit_2(workdir: Path) -> None:
    done = run("query", "DELETE FROM samples", "--catalog", "cat.duckdb", cwd=workdir)
    assert done.returncode == 2
    assert "only SELECT" in done.stderr


def test_query_by_field_uses_the_ontology(workdir: Path) -> None:
    done = run("query", "--organism", "mouse", "--catalog", "cat.duckdb", "--json", cwd=workdir)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows and {r["organism_taxid"] for r in rows} == {10090}
    assert {"accession", "tissue_id", "disease_id", "age_value", "unit"} <= set(rows[0])
    unknown = run("query", "--tissue", "no-such-organ-xyz", "--catalog", "cat.duckdb", cwd=workdir)
    assert unknown.returncode == 2 and "no tissue term matches" in unknown.stderr


def test_export_then_verify(workdir: Path) -> None:
    done = run(
        "export",
        "--out",
        "out",
        "--where",
        "organism_taxid = 9606",
        "--allow-mixed",
        "--catalog",
        "cat.duckdb",
        "--json",
        cwd=workdir,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["n_samples"] > 0 and result["manifest"].endswith("manifest.json")
    verified = run("verify", "out", "--json", cwd=workdir)
    assert verified.returncode == 0 and json.loads(verified.stdout) == {"ok": True, "problems": []}
    (workdir / "out" / "features.parquet").write_bytes(b"tampered")
    assert run("verify", "out", cwd=workdir).returncode == 1


def test_status_json_lists_reports_and_coverage(workdir: Path) -> None:
    done = run("status", "--coverage", "--catalog", "cat.duckdb", "--json", cwd=workdir)
    info = json.loads(done.stdout)
    assert info["counts"]["studies"] == 4
    assert any(r["study_accession"] == "GSE63966" for r in info["mapping_reports"])
    assert {row["field"] for row in info["coverage"]} >= {"tissue", "disease", "sex", "age"}
    assert info["quarantine"] == []


def test_harvest_of_a_missing_series_exits_1_and_quarantines(workdir: Path, corpus_mirror: MirrorServer) -> None:
    done = run(
        "harvest",
        "GSE1",
        "--mirror",
        corpus_mirror.url,
        "--catalog",
        "cat.duckdb",
        "--store",
        "store",
        "--cache",
        "cache",
        cwd=workdir,
    )
    assert done.returncode == 1
    assert "failed GSE1" in done.stdout and "not_found" in done.stdout
    info = json.loads(run("status", "--catalog", "cat.duckdb", "--json", cwd=workdir).stdout)
    assert [q["accession"] for q in info["quarantine"]] == ["GSE1"]


def test_bad_option_exits_2(workdir: Path) -> None:
    done = run("harvest", "NOT-AN-ACCESSION", "--catalog", "cat.duckdb", cwd=workdir)
    assert done.returncode == 2
    assert "NOT-AN-ACCESSION" in done.stderr
