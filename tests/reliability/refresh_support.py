"""A small archive world for the refresh, lock and concurrency tests, built once per process.

The template: the four demo series (:func:`rnacorpus.demo.files.write_demo_archive` — GEO-format
family SOFT, series matrices, NCBI counts, a SuperSeries) served by the loopback mirror, harvested,
then refreshed once so a watermark exists. Building it loads the gene and ontology references into
a new catalog (seconds); every test starts from a copy instead (:func:`clone_site`), the way a cron
job starts from yesterday's catalog. Copies live in the test's own tmp folder, never in the repo.
"""

from __future__ import annotations

import atexit
import datetime as dt
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

import rnacorpus.pipeline.runner as runner_module
from rnacorpus.catalog.load import Applied
from rnacorpus.catalog.load import apply_packages as real_apply_packages
from rnacorpus.catalog.package import LoadPackage
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from tests.conftest import mirror_config

__all__ = [
    "DEMO",
    "ENTRY",
    "TEMPLATE_WATERMARK",
    "Holder",
    "Site",
    "clone_site",
    "data_fingerprint",
    "edit_series",
    "fail_inside_load",
    "read_one",
    "run_cli",
    "store_files",
    "study_fingerprint",
]

#: the demo series: a SuperSeries (990100) of 990101 (human RNA-seq, NCBI counts) and 990103 (human
#: array), plus 990102 (mouse array, standalone); last updates Jul 20, Apr 11, Jun 01, Jul 20 2024
DEMO = ("GSE990100", "GSE990101", "GSE990102", "GSE990103")
#: the newest last-update among them: the template's watermark
TEMPLATE_WATERMARK = dt.date(2024, 7, 20)
ENTRY = [sys.executable, "-c", "from rnacorpus.cli import main; main()"]
#: tables a run writes about itself; everything else is data
RUN_LOG = frozenset({"runs", "run_items"})

_lock = threading.Lock()
_template: Path | None = None


@dataclass(frozen=True)
class Site:
    """One test's world: a mirror folder and the catalog/store/cache that harvested it."""

    root: Path

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.duckdb"

    def config(self, mirror_url: str, **overrides: object) -> Config:
        return mirror_config(self.root, mirror_url, **overrides)

    def cli_paths(self) -> list[str]:
        """The CLI options that point a command at this site's catalog, store and cache."""
        return [
            "--catalog",
            str(self.catalog),
            "--store",
            str(self.root / "store"),
            "--cache",
            str(self.root / "cache"),
        ]


def _build_template() -> Path:
    from rnacorpus.demo.files import write_demo_archive
    from rnacorpus.mirror import MirrorServer
    from rnacorpus.pipeline.harvest import harvest
    from rnacorpus.pipeline.refresh import RefreshRequest, refresh

    root = Path(tempfile.mkdtemp(prefix="rnacorpus-refresh-template-"))
    atexit.register(shutil.rmtree, root, True)
    write_demo_archive(root / "archive")
    with MirrorServer(root / "archive") as mirror:
        config = mirror_config(root, mirror.url)
        first = harvest(DEMO, config=config)
        assert first.counts["new"] == len(DEMO), first.to_dict()
        settled = refresh(RefreshRequest(since=dt.date(2024, 1, 1)), config=config)
        assert settled.exit_code == 0 and settled.watermark_after == TEMPLATE_WATERMARK, settled.to_dict()
    return root


def clone_site(dest: Path) -> Site:
    """A private copy of the template (archive folder, catalog, store, raw cache) under ``dest``."""
    global _template
    with _lock:
        if _template is None:
            _template = _build_template()
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("archive", "store", "cache"):
        shutil.copytree(_template / name, dest / name, copy_function=shutil.copy2)
    shutil.copy2(_template / "catalog.duckdb", dest / "catalog.duckdb")
    # stamped in the past, so the mirror sees later edits through stat() alone (no racy-stamp rule)
    past = time.time() - 100
    for path in [*(dest / "archive").iterdir(), dest / "archive"]:
        os.utime(path, (past, past))
    return Site(dest)


def edit_series(archive: Path, accession: str, *, last_update: dt.date, title: str | None = None) -> None:
    """Change a series the way GEO does: new content in its family SOFT and a newer last-update date.

    The file is replaced (new inode, new ETag), as a mirror sync would do.
    """
    path = archive / f"{accession}_family.soft.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    stamp = f"!Series_last_update_date = {last_update.strftime('%b %d %Y')}"
    text, n = re.subn(r"^!Series_last_update_date = .*$", stamp, text, count=1, flags=re.M)
    assert n == 1, f"{path} has no last-update line"
    if title is not None:
        text, n = re.subn(r"^!Series_title = .*$", f"!Series_title = {title}", text, count=1, flags=re.M)
        assert n == 1, f"{path} has no title line"
    staging = path.with_name(path.name + ".new")
    staging.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    staging.replace(path)


class InjectedLoadFault(RuntimeError):
    pass


def fail_inside_load(monkeypatch: pytest.MonkeyPatch, accession: str) -> None:
    """Make the commit of ``accession`` fail inside its real transaction, after its rows were written,
    so rollback, quarantine and watermark are the product's own."""

    def apply_packages(
        con: duckdb.DuckDBPyConnection, store: ExpressionStore, packages: list[LoadPackage], *, run_id: str
    ) -> Applied:
        applied = real_apply_packages(con, store, packages, run_id=run_id)
        if any(package.accession == accession for package in packages):
            raise InjectedLoadFault(f"disk full while loading {accession}")
        return applied

    # the runner calls apply_packages by the name it imported; replace that name only
    monkeypatch.setattr(runner_module, "apply_packages", apply_packages)


def read_one(catalog: Path, sql: str, params: list[object] | None = None) -> object:
    con = duckdb.connect(str(catalog), read_only=True)
    try:
        row = con.execute(sql, params or []).fetchone()
    finally:
        con.close()
    return None if row is None else row[0]


def data_fingerprint(catalog: Path) -> dict[str, tuple[int, int, int]]:
    """(rows, xor and sum of the hashes of whole rows) per data table — every column, timestamps and run
    ids included, so any write to a data table changes its entry; only the run log is left out. Both
    aggregates ignore row order, and a change would have to cancel out in both to go unseen."""
    con = duckdb.connect(str(catalog), read_only=True)
    try:
        tables = [
            str(r[0])
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        out: dict[str, tuple[int, int, int]] = {}
        for table in tables:
            if table in RUN_LOG:
                continue
            hashes = "coalesce(bit_xor(hash(t)), 0), coalesce(sum(hash(t)::HUGEINT), 0)"
            row = con.execute(f'SELECT count(*), {hashes} FROM "{table}" AS t').fetchone()
            assert row is not None
            out[table] = (int(row[0]), int(row[1]), int(row[2]))
        return out
    finally:
        con.close()


#: every row a study owns, by table (all columns, timestamps included: a rewrite shows)
_STUDY_ROWS = {
    "studies": "accession = ?",
    "study_samples": "study_accession = ?",
    "samples": "accession IN (SELECT sample_accession FROM study_samples WHERE study_accession = ?)",
    "sample_characteristics": "sample_accession IN "
    "(SELECT sample_accession FROM study_samples WHERE study_accession = ?)",
    "annotations": "sample_accession IN (SELECT sample_accession FROM study_samples WHERE study_accession = ?)",
    "expression_shards": "study_accession = ?",
    "expression_samples": "study_accession = ?",
    "xrefs": "study_accession = ?",
    "gene_mapping_reports": "study_accession = ?",
}


def study_fingerprint(catalog: Path, accession: str) -> dict[str, list[str]]:
    """The rows one study owns, as sorted text, table by table."""
    con = duckdb.connect(str(catalog), read_only=True)
    try:
        return {
            table: sorted(
                str(row[0])
                for row in con.execute(
                    f'SELECT CAST(t AS VARCHAR) FROM "{table}" AS t WHERE {where}',
                    [accession],
                ).fetchall()
            )
            for table, where in _STUDY_ROWS.items()
        }
    finally:
        con.close()


def store_files(store: Path) -> dict[str, tuple[int, int]]:
    """Every file under the store with (size, mtime_ns): a rewrite of any of them changes it."""
    return {
        path.relative_to(store).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(store.rglob("*"))
        if path.is_file()
    }


def run_cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process (bounded)."""
    return subprocess.run([*ENTRY, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


#: a child process that takes the catalog's run lock (optionally opening a run-log row as a real run
#: does), says so on stdout, then waits for its stdin to close — or to be killed
_HOLDER = """
import sys
from pathlib import Path
from rnacorpus.config import Config
from rnacorpus.pipeline.lock import RunLock
from rnacorpus.pipeline.harvest import start_run

catalog = Path(sys.argv[1])
lock = RunLock(catalog, "refresh (test holder)")
lock.acquire()
if sys.argv[2] == "run":
    config = Config(catalog_path=catalog, store_dir=catalog.parent / "store", cache_dir=catalog.parent / "cache")
    start_run(config, "holder-run", "refresh (killed mid-run)")
print("locked", flush=True)
sys.stdin.read()
lock.release()
"""


class Holder:
    """Another rnacorpus process holding a catalog's run lock (bounded: killed on exit)."""

    def __init__(self, catalog: Path, *, open_run: bool = False, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(catalog), "run" if open_run else "lock"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._timeout = timeout

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_locked(self) -> None:
        assert self.process.stdout is not None
        deadline = time.monotonic() + self._timeout
        line = ""
        while not line and time.monotonic() < deadline and self.process.poll() is None:
            line = self.process.stdout.readline()
        assert line.strip() == "locked", (line, self.process.poll(), self.process.stderr and self.process.stderr.read())

    def release(self) -> None:
        """Let it finish normally (it releases the lock)."""
        self.process.communicate(input="", timeout=self._timeout)

    def kill(self) -> None:
        """SIGKILL: no cleanup runs; the kernel drops its flock, its files stay as they are."""
        self.process.kill()
        self.process.communicate(timeout=self._timeout)

    def __enter__(self) -> Holder:
        self.wait_locked()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.kill()
