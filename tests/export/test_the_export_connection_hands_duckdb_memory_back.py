"""An export's DuckDB connection hands the pages its queries free back to the kernel
(:data:`.export_memory.EXPORT_DUCKDB_SETTINGS`): DuckDB's allocator otherwise keeps them for its next
queries, and what planning 10^5 samples left stayed resident for the whole export.

The settings reach the connection through ``Catalog.connect(settings=...)``, set before the sandbox
locks the configuration (which then refuses any change); the export's own planning runs on a
connection with them. And the setting does what the export takes it for: in a fresh process, a query
that builds ~100 MB of hash table leaves far less resident memory behind with it than without."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from rnacorpus.catalog import export, export_plan
from rnacorpus.catalog.export_memory import EXPORT_DUCKDB_SETTINGS
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 40)
SETTING = "allocator_bulk_deallocation_flush_threshold"


def _setting(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute(f"SELECT current_setting('{SETTING}')").fetchall()[0][0])


def test_settings_are_set_before_the_sandbox_locks_and_the_export_plans_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = build_catalog(tmp_path / "c", [StudySpec("GSE1", ["GSM1", "GSM2"], GENES, seed=1)])
    with catalog.connect(settings=EXPORT_DUCKDB_SETTINGS) as con:
        assert _setting(con) == "0 bytes"
        with pytest.raises(duckdb.Error):
            con.execute(f"SET {SETTING} = '1MiB'")  # locked, as any sandboxed connection
    with catalog.connect() as con:
        assert _setting(con) != "0 bytes"  # a plain reader keeps DuckDB's default
    seen: list[str] = []
    plan = export_plan.plan_export

    def spying(con: duckdb.DuckDBPyConnection, *args: object, **kwargs: object) -> export_plan.ExportPlan:
        seen.append(_setting(con))
        return plan(con, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "plan_export", spying)
    catalog.export(tmp_path / "out", genes="protein_coding", normalize="log1p_tpm")
    assert seen == ["0 bytes"]


CHILD = r"""
import json, sys
import duckdb

def anon():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) * 1024

con = duckdb.connect(config={"threads": 1})
if sys.argv[1] != "default":
    con.execute(f"SET allocator_bulk_deallocation_flush_threshold = '{sys.argv[1]}'")
before = anon()
con.execute("SELECT count(*) FROM (SELECT DISTINCT i::VARCHAR || 'x' FROM range(2000000) t(i))").fetchall()
print(json.dumps({"left": anon() - before}))
"""


def _left_behind(threshold: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, threshold], capture_output=True, text=True, timeout=300, check=True
    )
    left: int = json.loads(done.stdout.strip().splitlines()[-1])["left"]
    return left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DuckDB's own allocator (jemalloc) is Linux's")
def test_a_freed_query_leaves_its_pages_behind_by_default_and_hands_them_back_with_the_setting() -> None:
    kept, handed_back = _left_behind("default"), _left_behind(EXPORT_DUCKDB_SETTINGS[SETTING])
    assert kept > 40 * 1024**2, kept  # the query's memory, kept for later queries
    assert handed_back < kept / 2, (handed_back, kept)
