"""Benchmark: is committing a batch of load packages flat in catalog size?

    python benchmarks/bench_commit_scale.py [--sizes 0 250000 1000000] [--studies 10 --samples 500
                                             --seed-series 20 --rounds 3 --no-docs]

Builds a catalog the way a harvest does: ``--seed-series`` generated metadata-only series
(``rnacorpus.harvester.geo.synthetic_series``, the bench_metadata_load corpus: characteristics with
typos, BioSample and SRA cross-references) harmonized, packaged and committed through
:func:`rnacorpus.catalog.load.commit_packages`. The catalog then grows to each of ``--sizes`` samples by
copying every row the load wrote (every table keyed by a study or a sample: studies, samples,
study_samples, characteristics, xrefs, accessions, annotations, run log …) under fresh accessions, so
every table and index grows as a harvest of that many samples would grow it. At each size the same
shape of work is timed: ``--rounds`` commits of ``--studies`` new series × ``--samples`` samples
(packages written beforehand, outside the timing), then a ``CHECKPOINT``. Per commit: wall and CPU
seconds, and the time of each SQL statement kind (which statement grows with the catalog).

Ratio printed: commit time per sample at each size / at the first size (1.0 = flat).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from _bench import REPO, load, machine, versions, write_doc

BEGIN, END = "<!-- bench:commit_scale -->", "<!-- /bench:commit_scale -->"
WORK = Path("/tmp/bench-load/commit-scale")
#: columns that hold a study's or a sample's accession (rewritten in each copy); others are copied as is
_KEY_COLUMNS = re.compile(r"accession|^sample_id$|^catalog_(study|sample)$|^origin$|^path$|^shard_path$")
#: tables a load does not write per study (run bookkeeping, references, ontology, platforms shared by studies)
_NOT_COPIED = {"platforms", "runs", "catalog_versions", "reference_files", "watermarks"}


class _Timed:
    """A DuckDB connection whose ``execute`` adds its wall time to the statement's kind."""

    def __init__(self, con: Any, times: dict[str, float]) -> None:
        self._con = con
        self._times = times

    def execute(self, sql: str, params: Any = None) -> Any:
        started = time.perf_counter()
        result = self._con.execute(sql, params) if params is not None else self._con.execute(sql)
        self._times[_kind(sql)] += time.perf_counter() - started
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _kind(sql: str) -> str:
    words = " ".join(sql.split())
    verb = words.split(" ", 1)[0].upper()
    table = re.search(r"(?:FROM|INTO|UPDATE)\s+(\w+)", words, re.IGNORECASE)
    return f"{verb} {table.group(1) if table else ''}".strip()


def _packages(store: Any, first: int, n: int, samples: int) -> list[Any]:
    from rnacorpus.catalog.package import write_package
    from rnacorpus.harvester.geo.synthetic_series import metadata_series
    from rnacorpus.pipeline.plan import build_load_plan

    refs = []
    for index in range(first, first + n):
        plan = build_load_plan(metadata_series(index, n_samples=samples), content_sha256=f"scale-{index}")
        refs.append(write_package(store, plan))
    return refs


def _commit(con: Any, store: Any, refs: list[Any], times: dict[str, float] | None = None) -> None:
    from rnacorpus.catalog.load import commit_packages
    from rnacorpus.catalog.package import open_package, remove_package

    target = _Timed(con, times) if times is not None else con
    commit_packages(target, store, [open_package(store, ref) for ref in refs], run_id="bench-scale")  # type: ignore[arg-type]
    for ref in refs:
        remove_package(store, ref.path.rsplit("/", 1)[-1])


def _grow(con: Any, seed_samples: int, copies: range) -> None:
    """Copy every per-study row of the seed catalog once per ``copies`` under fresh accessions."""
    tables = [str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
    plans = []
    for table in tables:
        if table in _NOT_COPIED:
            continue
        columns = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
        ).fetchall()
        keyed = [str(c) for c, t in columns if t == "VARCHAR" and _KEY_COLUMNS.search(str(c))]
        if not keyed or not con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]:  # noqa: S608
            continue
        plans.append((table, keyed))
    for copy in copies:
        con.execute("BEGIN TRANSACTION")
        for table, keyed in plans:
            # GSM4000123 -> GSMx<copy>x4000123: a new accession per copy, never one the generator makes
            swap = ", ".join(f"regexp_replace({c}, '([A-Z]+)([0-9]+)', '\\1x{copy}x\\2', 'g') AS {c}" for c in keyed)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * REPLACE ({swap}) FROM seed_{table}")  # noqa: S608
        con.execute("COMMIT")
    con.execute("CHECKPOINT")
    del seed_samples


def _snapshot_seed(con: Any) -> None:
    tables = [str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
    for table in tables:
        if table not in _NOT_COPIED:
            con.execute(f"CREATE TEMP TABLE seed_{table} AS SELECT * FROM {table}")  # noqa: S608


def _measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from rnacorpus.catalog.connection import WriterSession
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.config import Config
    from rnacorpus.pipeline.executor import collect_less
    from rnacorpus.pipeline.harvest import start_run

    if WORK.exists():
        shutil.rmtree(WORK)
    config = Config(catalog_path=WORK / "catalog.duckdb", store_dir=WORK / "store", cache_dir=WORK / "cache")
    start_run(config, "bench-scale", "harvest")
    store = ExpressionStore(config.store_dir)
    session = WriterSession(config.catalog_path)
    con = session.connection()
    seed = _packages(store, 0, args.seed_series, args.samples)
    for k in range(0, len(seed), args.studies):
        _commit(con, store, seed[k : k + args.studies])
    seed_samples = args.seed_series * args.samples
    _snapshot_seed(con)
    results = []
    next_series, copies_made = 1000, 1
    with collect_less():
        for size in args.sizes:
            wanted = max(1, size // seed_samples)
            if wanted > copies_made:
                started = time.perf_counter()
                _grow(con, seed_samples, range(copies_made, wanted))
                copies_made = wanted
                print(f"grown to {copies_made * seed_samples:,} samples in {time.perf_counter() - started:.0f}s",
                      file=sys.stderr)  # fmt: skip
            held = int(con.execute("SELECT count(*) FROM samples").fetchall()[0][0])
            rounds = []
            for _ in range(args.rounds):
                refs = _packages(store, next_series, args.studies, args.samples)
                next_series += args.studies
                times: dict[str, float] = defaultdict(float)
                wall, cpu = time.perf_counter(), time.process_time()
                _commit(con, store, refs, times)
                rounds.append({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "sql": times})
            started = time.perf_counter()
            con.execute("CHECKPOINT")
            checkpoint = time.perf_counter() - started
            sql: dict[str, float] = defaultdict(float)
            for r in rounds:
                for kind, seconds in r["sql"].items():
                    sql[kind] += seconds / len(rounds)
            results.append({
                "samples_held": held,
                "commit_wall": sorted(r["wall"] for r in rounds)[len(rounds) // 2],
                "commit_cpu": sorted(r["cpu"] for r in rounds)[len(rounds) // 2],
                "checkpoint": checkpoint,
                "sql": dict(sorted(sql.items(), key=lambda kv: -kv[1])),
                "catalog_mb": config.catalog_path.stat().st_size / 1024**2,
            })  # fmt: skip
            print(json.dumps(results[-1]), file=sys.stderr)
    session.close()
    return results


def _section(command: str, args: argparse.Namespace, results: list[dict[str, Any]], before: str) -> str:
    per = args.studies * args.samples
    base = results[0]["commit_wall"] / per
    rows = [
        f"| {r['samples_held']:,} | {r['catalog_mb']:.0f} | {r['commit_wall']:.2f} | {r['commit_cpu']:.2f} | "
        f"{1000 * r['commit_wall'] / per:.3f} | {r['commit_wall'] / per / base:.2f} | {r['checkpoint']:.2f} | "
        + ", ".join(f"{k} {v:.2f}" for k, v in list(r["sql"].items())[:4])
        + " |"
        for r in results
    ]
    return "\n".join([
        BEGIN,
        "## Commit cost against catalog size",
        "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d')})",
        "",
        f"- Machine: {machine()} (load before {before}, after {load()}; shared with other work)",
        f"- Libraries: {versions(['duckdb', 'pyarrow'])}",
        f"- One commit = {args.studies} new generated series × {args.samples} samples (packages written before), "
        f"median of {args.rounds}; the catalog grown by copying every per-study row of {args.seed_series} "
        "committed series under fresh accessions; then one `CHECKPOINT`.",
        "",
        "| samples held | catalog MB | commit s | commit CPU s | ms/sample | × first size | checkpoint s | "
        "slowest statements (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
        *rows,
        END,
    ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 250_000, 1_000_000])
    parser.add_argument("--studies", type=int, default=10)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed-series", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    before = load()
    try:
        results = _measure(args)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    command = (
        f"python benchmarks/bench_commit_scale.py --sizes {' '.join(map(str, args.sizes))} --studies {args.studies} "
        f"--samples {args.samples} --seed-series {args.seed_series} --rounds {args.rounds}"
    )
    section = _section(command, args, results, before)
    print(section)
    if not args.no_docs:
        write_doc(BEGIN, END, section)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
