"""kill -9 a harvest (and a refresh) at named points, run it again, compare with a clean run.

The harvest runs in a child process — the real pipeline, nothing replaced — against a loopback mirror
of the four demo series (GEO-format files generated into a tmp folder). To kill at a *known* point
rather than after a guessed delay, the child wraps one named library function so that, on its n-th
call, it writes a marker file and sleeps (:data:`CHILD`); the harness waits for the marker and sends
SIGKILL. The download kill point needs no wrapper: the mirror sends half a family SOFT and stalls.

After each kill the same harvest runs again (in this process), and then:

* the catalog equals a clean run's, table by table (timestamps, run ids and run folder aside);
* every file the catalog references exists with the sha256 it recorded, and no ``.part`` file is
  referenced; the rerun sweeps at its start exactly the files the kill orphaned
  (:func:`~rnacorpus.catalog.load.sweep_orphans`), so the store holds the same files, byte for
  byte, as the clean run's;
* every raw-cache entry verifies (full sha256) against its sidecar;
* studies committed before the kill come back ``unchanged`` (not reloaded), and no file the killed
  run had downloaded completely is downloaded again (requests counted at the mirror).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rnacorpus.catalog.connection import connect_reader
from rnacorpus.catalog.package import PACKAGES_DIR
from rnacorpus.demo.files import write_demo_archive
from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.cache import RawCache
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.report import RunReport
from tests.conftest import REPO_ROOT, mirror_config
from tests.reliability.fault_mirror import Fault, FaultMirror, soft_path
from tests.reliability.pause_hook import SPEC_ENV, sitecustomize_dir
from tests.reliability.snapshot import (
    CatalogSnapshot,
    StoreSnapshot,
    catalog_snapshot,
    diff_snapshots,
    open_catalog,
    referenced_files,
    seeded_folder,
    store_snapshot,
)

#: the demo series: GSE990100 (a SuperSeries, two array platforms), GSE990101 (RNA-seq, NCBI counts +
#: annotation), GSE990102 (mouse array), GSE990103 (human array); the harvest kill points use three
DEMO = ["GSE990100", "GSE990101", "GSE990102", "GSE990103"]
HARVESTED = DEMO[:3]
#: how long the child may take to reach its kill point, and how long a paused child sleeps
#: (the harness kills it long before; the bound only matters if the harness itself breaks)
REACH_TIMEOUT = 90.0
HOLD_SECONDS = 120.0

#: The child: the real harvest or refresh; the pause (if any) is installed in every process of the run by
#: :mod:`tests.reliability.pause_hook` through a ``sitecustomize`` on ``PYTHONPATH``.
CHILD = r"""
import datetime, json, sys
from pathlib import Path
from tests.conftest import mirror_config

spec = json.loads(sys.argv[1])
folder = Path(spec["folder"])
config = mirror_config(folder, spec["mirror"], **spec.get("config", {}))
if spec["command"] == "refresh":
    from rnacorpus.pipeline.refresh import RefreshRequest, refresh
    report = refresh(RefreshRequest(), config=config, today=datetime.date.fromisoformat(spec["today"]))
else:
    from rnacorpus.pipeline.harvest import harvest
    report = harvest(spec["accessions"], config=config)
print(json.dumps(report.to_dict(), default=str))
"""
#: one study per commit transaction, one build thread: the kill points below name exact moments
SEQUENTIAL: dict[str, Any] = {"commit_batch": 1, "workers": 1}


@dataclass(frozen=True)
class KillPoint:
    """Where to kill: a wrapped function's n-th call (or the mirror stalling a download)."""

    name: str
    module: str = ""
    function: str = ""
    when: str = "before"
    call: int = 1
    #: stall the download of this URL path mid-body instead of wrapping a function
    stall: str | None = None
    #: studies committed before the kill: the rerun must find them unchanged
    committed: tuple[str, ...] = ()
    #: what the kill leaves in the store for the rerun's sweep: "none", a temp file ("part"), complete
    #: files whose rows never committed ("uncommitted"), or — killed while shards are written ahead of
    #: the harmonize step's end (``pipeline.shards_ahead``) — any of these, whole ones the clean run's bytes ("ahead")
    orphans: str = "none"
    #: URLs (path?query) the rerun may download again, because the kill left them unverifiable
    redownload: tuple[str, ...] = ()
    #: the pause is in a fetch or build thread: wait until the driver has committed ``committed``
    #: (it goes on committing what is ready while that thread holds) before killing
    settle: bool = False

    def spec(self, marker: Path) -> dict[str, Any] | None:
        if self.stall is not None:
            return None
        return {
            "module": self.module,
            "name": self.function,
            "when": self.when,
            "call": self.call,
            "marker": str(marker),
            "hold": HOLD_SECONDS,
        }


# The harvested series are fetched in order by one thread, built in order by one thread and committed
# in order by the driver, one per transaction (SEQUENTIAL); call numbers count from the start of the run.
KILL_POINTS = [
    KillPoint("download-family-soft", stall=soft_path("GSE990102"), committed=("GSE990100", "GSE990101"), settle=True),
    KillPoint(
        # the file is renamed into the cache, its sidecar not yet written: unverifiable, so fetched again
        "cache-file-without-sidecar",
        "rnacorpus.harvester.cache",
        "RawCache.write_sidecar",
        "before",
        call=1,
        redownload=(soft_path("GSE990100"),),
    ),
    KillPoint(
        # the fourth sample table of GSE990102's family SOFT has just been read
        "parse-mid-family-soft",
        "rnacorpus.harvester.geo.soft",
        "read_value_column",
        "after",
        call=14,
        committed=("GSE990100", "GSE990101"),
        settle=True,
    ),
    KillPoint(
        # the expression step has handed GSE990101's shards to their writers, which go on meanwhile
        "harmonize-between-metadata-and-expression",
        "rnacorpus.pipeline.plan",
        "harmonize_metadata",
        "after",
        call=2,
        committed=("GSE990100",),
        orphans="ahead",
        settle=True,
    ),
    KillPoint(
        # GSE990101's first shard is written and flushed to its temp file, not yet renamed
        "shard-written-not-renamed",
        "rnacorpus.catalog.store",
        "atomic_write",
        "inside",
        call=3,
        committed=("GSE990100",),
        orphans="part",
        settle=True,
    ),
    KillPoint(
        # GSE990102's load package is written (its worker is done), the driver has not committed it
        "package-written-not-committed",
        "rnacorpus.pipeline.worker",
        "write_package",
        "after",
        call=3,
        committed=("GSE990100", "GSE990101"),
        orphans="uncommitted",
        settle=True,
    ),
    KillPoint(
        # GSE990102's rows are written inside the open transaction, COMMIT not yet sent
        "load-transaction-open",
        "rnacorpus.pipeline.runner",
        "apply_packages",
        "after",
        call=3,
        committed=("GSE990100", "GSE990101"),
        orphans="uncommitted",
    ),
    KillPoint(
        # committed, replaced files not yet removed, package not yet deleted
        "just-after-commit",
        "rnacorpus.pipeline.runner",
        "finish_applied",
        "before",
        call=3,
        committed=("GSE990100", "GSE990101", "GSE990102"),
    ),
]


@dataclass
class Clean:
    folder: Path
    catalog: CatalogSnapshot
    store: StoreSnapshot
    downloads: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kill-archive")
    write_demo_archive(folder)
    return folder


@pytest.fixture(scope="module")
def mirror(archive: Path) -> Iterator[FaultMirror]:
    with FaultMirror(archive) as server:
        yield server


@pytest.fixture(scope="module")
def clean(mirror: FaultMirror, tmp_path_factory: pytest.TempPathFactory) -> Clean:
    folder = seeded_folder(tmp_path_factory, "kill-clean")
    mirror.reset_log()
    report = harvest(HARVESTED, config=mirror_config(folder, mirror.url))
    assert report.exit_code == 0, report.to_dict()
    return Clean(
        folder,
        catalog_snapshot(folder / "catalog.duckdb", root=folder),
        store_snapshot(folder / "store"),
        mirror.downloads(),
    )


def start_child(spec: dict[str, Any], folder: Path) -> subprocess.Popen[str]:
    env = dict(os.environ)
    pause = spec.get("pause")
    if pause is not None:
        hook = sitecustomize_dir(folder / "pause-hook")
        env["PYTHONPATH"] = os.pathsep.join([str(hook), str(REPO_ROOT), env.get("PYTHONPATH", "")])
        env[SPEC_ENV] = json.dumps(pause)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(spec)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Any, child: subprocess.Popen[str], what: str) -> None:
    """Poll ``condition`` until true; the child must still be alive (bounded by REACH_TIMEOUT)."""
    deadline = time.monotonic() + REACH_TIMEOUT
    while not condition():
        if child.poll() is not None:
            out, err = child.communicate(timeout=10)
            pytest.fail(f"the child ended (code {child.returncode}) before {what}:\n{out[-2000:]}\n{err[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"the child did not reach {what} within {REACH_TIMEOUT:.0f}s")
        time.sleep(0.02)


def committed_studies(catalog: Path) -> set[str]:
    """Studies the catalog holds, read as any reader does (a writer between transactions hands it over)."""
    try:
        con = connect_reader(catalog, sandbox=False, timeout=2.0)
    except RnacorpusError:  # the child holds the file right now, or has not created it yet
        return set()
    try:
        return {str(r[0]) for r in con.execute("SELECT accession FROM studies").fetchall()}
    finally:
        con.close()


def paused_pid(marker: Path) -> int | None:
    text = marker.read_text() if marker.exists() else ""
    return int(text) if text else None


def kill_at(point: KillPoint, spec: dict[str, Any], folder: Path, mirror: FaultMirror) -> subprocess.Popen[str]:
    """Run the child until it reaches ``point`` and SIGKILL the process paused there.

    That is the child (the driver) itself, or one of its build worker processes; in the second case
    the child is returned still running, for the caller to wait on.
    """
    marker = folder / "paused"
    spec = {**spec, "pause": point.spec(marker)}
    if point.stall is not None:
        mirror.script(point.stall, Fault.stall(0.5))
    child = start_child(spec, folder)
    done = False
    try:
        if point.stall is not None:
            # half the file has reached its temp file in the raw cache
            part = f".{Path(point.stall).name}.*.part"
            cache = folder / "cache"
            wait_for(lambda: mirror.wait_stalled(0) and any(cache.rglob(part)), child, point.name)
        else:
            wait_for(lambda: paused_pid(marker) is not None, child, point.name)
        if point.settle:
            catalog = folder / "catalog.duckdb"
            wait_for(lambda: set(point.committed) <= committed_studies(catalog), child, f"{point.name} commits")
        victim = paused_pid(marker) or child.pid
        os.kill(victim, signal.SIGKILL)
        if victim == child.pid:
            child.wait(timeout=30)
            assert child.returncode == -signal.SIGKILL
            child.communicate(timeout=30)
        done = True
    finally:
        if not done and child.poll() is None:
            child.kill()
            child.communicate(timeout=30)
        mirror.release()
        mirror.clear()
    return child


def unreferenced_files(folder: Path) -> dict[str, str]:
    """Store files the catalog does not point at (load packages aside), with their sha256: what a kill
    left for the sweep."""
    referenced = referenced_files(folder / "catalog.duckdb")
    files = store_snapshot(folder / "store").files
    return {f: files[f] for f in sorted(set(files) - set(referenced)) if not is_package(f)}


def is_package(relpath: str) -> bool:
    return relpath.startswith(f"{PACKAGES_DIR}/")


def check_store_and_cache(folder: Path, clean: Clean, left_by_kill: dict[str, str], orphans: str) -> None:
    """The store after the rerun: referenced files intact, what the kill orphaned swept by the rerun
    (it sweeps at start, under the run lock), so the store equals the clean one byte for byte."""
    catalog, store = folder / "catalog.duckdb", folder / "store"
    referenced = referenced_files(catalog)
    after = store_snapshot(store)
    for rel, sha in referenced.items():
        assert after.files.get(rel) == sha, f"{rel}: referenced file missing or changed"
    assert not [rel for rel in referenced if rel.endswith(".part")]
    # what the kill left is gone or, written again by the rerun under the same content-hashed name, referenced
    assert set(after.files) == set(referenced), "the rerun did not sweep what the kill left"
    assert after.files == clean.store.files
    cache = RawCache(folder / "cache")
    for sidecar in (folder / "cache").rglob(".*.meta.json"):
        target = sidecar.with_name(sidecar.name.removeprefix(".").removesuffix(".meta.json"))
        data = json.loads(sidecar.read_text())
        assert cache.load(target, data["cache_key"], verify="full") is not None, f"{target} does not verify"
    if orphans == "part":
        # the shard being written is a temp file; a shard of the same study written beside it (the store
        # writes a study's shards side by side) may have finished: then it is whole, the clean run's bytes
        assert any(rel.endswith(".part") for rel in left_by_kill), left_by_kill
        whole = {rel: sha for rel, sha in left_by_kill.items() if not rel.endswith(".part")}
        assert whole == {rel: clean.store.files.get(rel) for rel in whole}, whole
    elif orphans == "uncommitted":
        assert left_by_kill and all(rel.endswith(".parquet") for rel in left_by_kill), left_by_kill
    elif orphans == "ahead":
        assert all(rel.endswith((".parquet", ".part")) for rel in left_by_kill), left_by_kill
        whole = {rel: sha for rel, sha in left_by_kill.items() if not rel.endswith(".part")}
        assert whole == {rel: clean.store.files.get(rel) for rel in whole}, whole
    elif orphans == "none":
        assert not left_by_kill, left_by_kill


def run_statuses(catalog: Path) -> list[str]:
    with open_catalog(catalog) as con:
        return sorted(str(r[0]) for r in con.execute("SELECT status FROM runs").fetchall())


def outcomes(report: RunReport) -> dict[str, str]:
    return {r.accession: r.outcome for r in report.results}


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS, ids=[p.name for p in KILL_POINTS])
def test_harvest_killed_and_rerun_equals_a_clean_run(
    point: KillPoint, mirror: FaultMirror, clean: Clean, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = seeded_folder(tmp_path_factory, f"kill-{point.name}")
    mirror.reset_log()
    spec = {"command": "harvest", "folder": str(folder), "mirror": mirror.url, "accessions": HARVESTED}
    kill_at(point, {**spec, "config": SEQUENTIAL}, folder, mirror)
    left_by_kill = unreferenced_files(folder)

    rerun = harvest(HARVESTED, config=mirror_config(folder, mirror.url, **SEQUENTIAL))

    assert rerun.exit_code == 0, rerun.to_dict()
    assert {a for a, o in outcomes(rerun).items() if o == "unchanged"} == set(point.committed)
    assert run_statuses(folder / "catalog.duckdb") == ["interrupted", "ok", "ok"]  # seed, killed, rerun
    assert diff_snapshots(catalog_snapshot(folder / "catalog.duckdb", root=folder), clean.catalog) == []
    check_store_and_cache(folder, clean, left_by_kill, point.orphans)
    downloads = mirror.downloads()
    assert set(downloads) == set(clean.downloads)
    again = {url for url, n in downloads.items() if n > 1}
    assert again == set(point.redownload), f"downloaded twice: {again}"


#: several build worker processes and batched commits (the defaults otherwise)
PARALLEL: dict[str, Any] = {"workers": 2, "executor": "processes"}


def test_a_build_worker_killed_mid_study_is_replaced_and_the_run_equals_a_clean_run(
    mirror: FaultMirror, clean: Clean, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = seeded_folder(tmp_path_factory, "kill-worker")
    mirror.reset_log()
    # the first study a worker process harmonizes: the worker dies between metadata and expression
    point = KillPoint("worker-mid-build", "rnacorpus.pipeline.plan", "harmonize_metadata", "after", call=1)
    spec = {"command": "harvest", "folder": str(folder), "mirror": mirror.url, "accessions": HARVESTED}
    child = kill_at(point, {**spec, "config": PARALLEL}, folder, mirror)
    out, err = child.communicate(timeout=REACH_TIMEOUT)

    assert child.returncode == 0, err[-4000:]
    assert paused_pid(folder / "paused") != child.pid  # a worker was killed, not the driver
    assert "a build worker died" in err  # and the driver built its study again in a new pool
    report = json.loads(out.strip().splitlines()[-1])
    assert report["exit_code"] == 0 and report["counts"]["new"] == len(HARVESTED), report
    assert diff_snapshots(catalog_snapshot(folder / "catalog.duckdb", root=folder), clean.catalog) == []
    assert store_snapshot(folder / "store").files == clean.store.files  # no package or orphan left


@pytest.mark.slow
def test_the_driver_killed_after_a_batched_commit_and_rerun_equals_a_clean_run(
    mirror: FaultMirror, clean: Clean, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = seeded_folder(tmp_path_factory, "kill-driver-parallel")
    mirror.reset_log()
    # worker processes build; the driver dies after its first transaction, before its cleanup
    point = KillPoint("driver-after-first-batch", "rnacorpus.pipeline.runner", "finish_applied", "before", call=1)
    spec = {"command": "harvest", "folder": str(folder), "mirror": mirror.url, "accessions": HARVESTED}
    kill_at(point, {**spec, "config": PARALLEL}, folder, mirror)
    committed = committed_studies(folder / "catalog.duckdb")
    assert committed  # the first batch (one or more studies) had committed

    rerun = harvest(HARVESTED, config=mirror_config(folder, mirror.url, **PARALLEL))

    assert rerun.exit_code == 0, rerun.to_dict()
    assert {a for a, o in outcomes(rerun).items() if o == "unchanged"} == committed
    assert run_statuses(folder / "catalog.duckdb") == ["interrupted", "ok", "ok"]
    assert diff_snapshots(catalog_snapshot(folder / "catalog.duckdb", root=folder), clean.catalog) == []
    assert store_snapshot(folder / "store").files == clean.store.files


# -- refresh ----------------------------------------------------------------------------------------

FIRST_WATERMARK = dt.date(2024, 7, 20)  # newest last-update among the demo series
EDITS = {"GSE990102": dt.date(2024, 8, 1), "GSE990103": dt.date(2024, 8, 2)}
TODAY = dt.date(2024, 8, 10)


def edit_series(archive: Path, accession: str, last_update: dt.date) -> None:
    """What a GEO update looks like to the mirror: a new title and last-update date in the family SOFT
    (replaced, so new inode and ETag)."""
    path = archive / f"{accession}_family.soft.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    stamp = f"!Series_last_update_date = {last_update.strftime('%b %d %Y')}"
    text, n = re.subn(r"^!Series_last_update_date = .*$", stamp, text, count=1, flags=re.M)
    text, m = re.subn(r"^!Series_title = (.*)$", r"!Series_title = \1 (revised)", text, count=1, flags=re.M)
    assert n == m == 1
    staging = path.with_name(path.name + ".new")
    staging.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    staging.replace(path)


@pytest.fixture(scope="module")
def refreshed_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, FaultMirror]]:
    """A catalog that harvested the demo and refreshed once (watermark set); then two series changed
    upstream. Tests copy it."""
    from rnacorpus.pipeline.refresh import RefreshRequest, refresh

    world = seeded_folder(tmp_path_factory, "kill-refresh-world")
    write_demo_archive(world / "archive")
    past = time.time() - 100  # stamped in the past: the mirror sees the edits below through stat()
    for path in (world / "archive").iterdir():
        os.utime(path, (past, past))
    with FaultMirror(world / "archive") as server:
        config = mirror_config(world, server.url)
        assert harvest(DEMO, config=config).exit_code == 0
        first = refresh(RefreshRequest(since=dt.date(2024, 1, 1)), config=config, today=TODAY)
        assert first.exit_code == 0 and first.watermark_after == FIRST_WATERMARK, first.to_dict()
        for accession, day in EDITS.items():
            edit_series(world / "archive", accession, day)
        yield world, server


def copy_world(world: Path, dest: Path) -> Path:
    shutil.copytree(world, dest, copy_function=shutil.copy2)
    return dest


def watermark(catalog: Path) -> dt.date | None:
    with open_catalog(catalog) as con:
        row = con.execute("SELECT last_update FROM watermarks WHERE source = 'geo'").fetchone()
    return row[0] if row else None


def test_refresh_killed_after_a_commit_and_rerun_equals_a_clean_refresh(
    refreshed_world: tuple[Path, FaultMirror], tmp_path: Path
) -> None:
    from rnacorpus.pipeline.refresh import RefreshRequest, refresh

    world, mirror = refreshed_world
    clean = copy_world(world, tmp_path / "clean")
    clean_report = refresh(RefreshRequest(), config=mirror_config(clean, mirror.url), today=TODAY)
    assert clean_report.exit_code == 0 and clean_report.watermark_after == max(EDITS.values())
    assert {a for a, o in outcomes(clean_report).items() if o == "updated"} == set(EDITS)

    # the run plans the same studies in the same order as the clean one: the first changed series commits,
    # the second is the next one the pipeline would build
    first, second = [r.accession for r in clean_report.results if r.accession in EDITS]
    killed = copy_world(world, tmp_path / "killed")
    # Killed after the first changed series committed, before its replaced shards are deleted; the
    # watermark has not moved yet. The run is pipelined: while the driver is paused, its fetch and build
    # threads go on, so the second series could be anywhere from not fetched to built when the kill
    # lands. Its download stalls mid-body instead, so the kill always finds it not built.
    mirror.script(soft_path(second), Fault.stall(0.5))
    point = KillPoint("refresh-after-first-commit", "rnacorpus.pipeline.runner", "finish_applied", "before", call=1)
    spec = {
        "command": "refresh",
        "folder": str(killed),
        "mirror": mirror.url,
        "today": TODAY.isoformat(),
        "config": SEQUENTIAL,
    }
    kill_at(point, spec, killed, mirror)
    assert watermark(killed / "catalog.duckdb") == FIRST_WATERMARK
    left_by_kill = unreferenced_files(killed)

    rerun = refresh(RefreshRequest(), config=mirror_config(killed, mirror.url, **SEQUENTIAL), today=TODAY)

    assert rerun.exit_code == 0, rerun.to_dict()
    assert len(rerun.interrupted) == 1  # the killed run's log row is closed as interrupted
    # the first changed series committed before the kill: the rerun finds it unchanged, loads the other
    assert {a for a, o in outcomes(rerun).items() if o == "updated"} == {second}
    assert rerun.watermark_after == max(EDITS.values()) == watermark(killed / "catalog.duckdb")
    assert (
        diff_snapshots(
            catalog_snapshot(killed / "catalog.duckdb", root=killed),
            catalog_snapshot(clean / "catalog.duckdb", root=clean),
        )
        == []
    )
    # the kill left exactly the first series' replaced shards behind (and, the second never built, nothing
    # of it), and the rerun swept them
    replaced = set(referenced_files(world / "catalog.duckdb")) - set(referenced_files(clean / "catalog.duckdb"))
    replaced_first = sorted(rel for rel in replaced if f"/study={first}/" in rel)
    assert replaced_first and list(left_by_kill) == replaced_first, left_by_kill
    assert store_snapshot(killed / "store").files == store_snapshot(clean / "store").files
