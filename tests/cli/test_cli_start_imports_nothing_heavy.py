"""Starting the CLI is cheap: ``rnacorpus --help``, ``--version`` and every command's ``--help`` import no
data library (NumPy, pandas, Arrow, DuckDB, the ontology guide, requests) — commands import what they
need when they run. Checked in a fresh interpreter through the real entry point (``sys.modules`` at exit).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("numpy", "pandas", "pyarrow", "duckdb", "cellxgene_ontology_guide", "requests", "rapidfuzz")
PROBE = """
import atexit, sys
heavy = {heavy!r}
atexit.register(lambda: sys.stderr.write("LOADED:" + ",".join(m for m in heavy if m in sys.modules) + "\\n"))
sys.argv = ["rnacorpus", *{args!r}]
from rnacorpus.cli import main
main()
"""
COMMANDS = [
    ["--help"],
    ["--version"],
    *[
        [*command, "--help"]
        for command in (
            ["harvest"],
            ["refresh"],
            ["query"],
            ["status"],
            ["export"],
            ["verify"],
            ["migrate"],
            ["annotate"],
            ["genes", "map"],
            ["units", "detect"],
            ["mirror"],
            ["demo"],
        )
    ],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_start_imports_no_data_library(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, args=args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = done.stderr.rsplit("LOADED:", 1)[1].strip()
    assert loaded == "", f"rnacorpus {' '.join(args)} imported {loaded}"


def test_version_prints_the_package_version() -> None:
    from rnacorpus import __version__

    done = subprocess.run(
        [sys.executable, "-c", "from rnacorpus.cli import main; main()", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == f"rnacorpus {__version__}\n"
