"""The refusals through the real command line: exit 2, one message naming the folder, nothing touched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import make_bundle
from tests.export.folders import snapshot

ENTRY = [sys.executable, "-c", "from rnacorpus.cli import main; main()"]


@pytest.fixture
def paths(load, catalog_path: Path, store) -> list[str]:
    load(make_bundle("GSE1", ["GSM1", "GSM2"], features=["a", "b"], seed=1), "k1")
    return ["--catalog", str(catalog_path), "--store", str(store.root), "--level", "feature"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ENTRY, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_a_misspelt_where_exits_2_and_keeps_the_thesis(paths: list[str], tmp_path: Path) -> None:
    out = tmp_path / "p"
    out.mkdir()
    (out / "thesis.txt").write_text("x")
    done = run("export", "--out", str(out), "--where", "tissue_lable='liver'", *paths, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert str(out) in done.stderr and "Traceback" not in done.stderr
    assert (out / "thesis.txt").read_text() == "x"
    fresh = run("export", "--out", str(tmp_path / "new"), "--where", "tissue_lable='liver'", *paths, cwd=tmp_path)
    assert fresh.returncode == 2 and "tissue_lable" in fresh.stderr and not (tmp_path / "new").exists()


def test_a_users_folder_exits_2_naming_it(paths: list[str], tmp_path: Path) -> None:
    out = tmp_path / "p"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("n")
    (out / "sub" / "data.csv").write_text("1,2\n")
    (out / "manifest.json.bak").write_text("{}")
    before = snapshot(out)
    done = run("export", "--out", str(out), *paths, cwd=tmp_path)
    assert done.returncode == 2 and str(out) in done.stderr
    assert snapshot(out) == before


def test_a_file_as_out_exits_2_without_a_traceback(paths: list[str], tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("mine")
    done = run("export", "--out", str(target), *paths, cwd=tmp_path)
    assert done.returncode == 2 and "is a file" in done.stderr and "Traceback" not in done.stderr
    assert target.read_text() == "mine"


def test_rerunning_needs_overwrite(paths: list[str], tmp_path: Path) -> None:
    out = tmp_path / "set"
    assert run("export", "--out", str(out), *paths, cwd=tmp_path).returncode == 0
    again = run("export", "--out", str(out), *paths, cwd=tmp_path)
    assert again.returncode == 2 and "--overwrite" in again.stderr and str(out) in again.stderr
    assert run("export", "--out", str(out), "--overwrite", *paths, cwd=tmp_path).returncode == 0
