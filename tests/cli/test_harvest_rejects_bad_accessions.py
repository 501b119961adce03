"""``rnacorpus harvest`` with accessions that are not studies: exit 2 listing each, before anything runs.

Nothing is quarantined, no catalog and no lock file are created, and no request is sent (the mirror
named here does not exist: a request would fail differently).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_core_cli import run


@pytest.mark.parametrize(
    "accessions",
    [["GSE12X"], ["foo"], ["GSM1561753"], ["GSE1299", "GSE12X", "foo", "GSM1561753", "GPL570"]],
    ids=["typo", "word", "sample", "mixed"],
)
def test_bad_accessions_exit_2_before_the_run_starts(tmp_path: Path, accessions: list[str]) -> None:
    done = run(
        "harvest",
        *accessions,
        "--catalog",
        "cat.duckdb",
        "--store",
        "store",
        "--cache",
        "cache",
        "--mirror",
        "http://127.0.0.1:9",
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    bad = [a for a in accessions if a != "GSE1299"]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rnacorpus: could not run: cannot harvest"), done.stderr
    for accession in bad:
        assert f"'{accession}'" in lines[0]
    assert "GSE1299" not in lines[0]
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "no catalog, store, cache or lock file"
