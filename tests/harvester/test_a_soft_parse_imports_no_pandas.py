"""Parsing a family SOFT with sample tables does not import pandas: Arrow columns are read from their
buffers (``tables.float32_values``, ``tables.int64_values``), because ``numpy.asarray`` on an Arrow
array goes through ``to_numpy``, whose first use imports pandas (~0.3 s and ~40 MB, paid by the
platform's first sample while the table threads waited)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FAMILY = "geo/soft/GSE1299_family.soft.gz"  # four platforms, each with its first sample's new ID order

_PROGRAM = """
import sys
from rnacorpus.harvester.geo.soft import parse_family_soft
bundle = parse_family_soft(sys.argv[1])
assert len(bundle.expression) == 4, len(bundle.expression)
print(sorted(name for name in sys.modules if name == "pandas" or name.startswith("pandas.")))
"""


def test_a_family_soft_parse_leaves_pandas_unimported(corpus: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(corpus / FAMILY)], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"
