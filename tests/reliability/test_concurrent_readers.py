"""Readers query the catalog while a refresh runs in another process, and every query succeeds.

DuckDB lets one process hold a database file read-write, and then nobody else may open it; so the
refresh opens the file for one short transaction per study and readers retry a lock conflict
(``rnacorpus.catalog.connection``). This test runs both sides as separate processes, the way a cron
refresh and a user's notebook share a catalog, and checks that every query of the reader succeeds
and sees each study whole: four studies, each with its old or its new title, never a mix.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

from rnacorpus.mirror import MirrorServer
from tests.reliability.refresh_support import DEMO, ENTRY, clone_site, edit_series, read_one

_READER = """
import json, sys, time
from pathlib import Path
from rnacorpus.catalog.api import Catalog

catalog, out, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
deadline = time.monotonic() + float(sys.argv[4])
log = []
while time.monotonic() < deadline and not stop.exists():
    began = time.time()
    try:
        rows = Catalog.open(catalog).sql("SELECT accession, title FROM studies ORDER BY accession").to_pylist()
        log.append({"began": began, "ended": time.time(), "rows": rows})
    except Exception as exc:
        log.append({"began": began, "ended": time.time(), "error": f"{type(exc).__name__}: {exc}"})
    if len(log) == 1:
        (out.parent / "reader-ready").touch()
    time.sleep(0.05)  # a busy notebook, not a spin loop: the writer needs gaps to open the file
out.write_text(json.dumps(log))
"""


def wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert path.exists(), f"{path} did not appear within {seconds}s"


def test_queries_succeed_while_a_refresh_loads(tmp_path: Path) -> None:
    site = clone_site(tmp_path / "site")
    old = {str(r[0]): str(r[1]) for r in _titles(site.catalog)}
    new = {acc: f"{old[acc]} (revised)" for acc in DEMO}
    out, stop = tmp_path / "reader.json", tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", _READER, str(site.catalog), str(out), str(stop), "90"])
    try:
        wait_for(tmp_path / "reader-ready", 60)
        with MirrorServer(site.archive) as mirror:
            for n, accession in enumerate(DEMO):
                edit_series(site.archive, accession, last_update=dt.date(2024, 8, 1 + n), title=new[accession])
            began = time.time()
            done = subprocess.run(
                [*ENTRY, "refresh", *site.cli_paths(), "--mirror", mirror.url, "--since", "2024-01-01", "--json", "-v"],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            ended = time.time()
        time.sleep(0.2)  # a few queries after the refresh, too
        stop.touch()
        reader.wait(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait(timeout=30)

    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["counts"]["updated"] == len(DEMO)
    log = json.loads(out.read_text())
    errors = [entry["error"] for entry in log if "error" in entry]
    assert errors == [], errors[:3]
    during = [entry for entry in log if entry["ended"] >= began and entry["began"] <= ended]
    assert len(during) >= 5, f"only {len(during)} queries overlapped the refresh ({len(log)} in all)"
    for entry in log:
        titles = {row["accession"]: row["title"] for row in entry["rows"]}
        assert sorted(titles) == sorted(DEMO)
        assert all(titles[acc] in (old[acc], new[acc]) for acc in DEMO), titles
    assert {row["title"] for row in log[-1]["rows"]} == set(new.values()), "the reader saw the refresh's result"
    assert read_one(site.catalog, "SELECT count(*) FROM runs WHERE status = 'ok' AND command LIKE 'refresh%'") >= 2  # type: ignore[operator]


def _titles(catalog: Path) -> list[tuple[object, ...]]:
    import duckdb

    con = duckdb.connect(str(catalog), read_only=True)
    try:
        return con.execute("SELECT accession, title FROM studies").fetchall()
    finally:
        con.close()
