"""Ontology-aware sample queries over 1,000,000 samples: ``Catalog.samples`` vs a bare DuckDB scan.

One command builds the catalog and measures, in the same run:

1. **a harvested catalog**: every GEO series of the shared corpus (``../shared/corpus``) harvested
   through the local mirror, as a user would (real records, real harmonized fields);
2. **replicated to N samples** (default 1,000,000): the harvested ``samples`` rows copied with fresh
   accessions (``GSM9…``, deterministic: copy ``c`` of row ``j`` gets number ``c * rows + j``), their
   studies likewise, records included; the ontology tables as the harvest loaded them;
3. **filters**: the tissue terms whose ancestor-aware result is closest to 300k, 100k, 30k and 10k rows;
4. **timings** (median of ``--repeat`` calls after one warm-up, one process):

   * ``Catalog.samples(tissue=T)`` — the Python API (filter resolution, the kept read-only connection);
   * ``Catalog.count(tissue=T)`` and ``Catalog.samples(tissue=T, limit=100)``;
   * **baseline**: the same predicate as a bare DuckDB query on one open connection (term IDs resolved
     beforehand) returning Arrow — the floor the API is compared against;
   * the CLI, end to end in a fresh process: ``rnacorpus query --tissue T --json > /dev/null``, the
     default table view, and ``--format parquet --out FILE``.

Prints a table with ratios and writes it to docs/benchmarks.md (with command, machine, date, load).

    python benchmarks/bench_query.py [--samples 1000000] [--repeat 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docblock import median_seconds, write_doc

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # the corpus fixtures' helpers (tests.conftest) name the harvested series
    sys.path.insert(0, str(REPO))
TARGET_SIZES = (300_000, 100_000, 30_000, 10_000)
CLI = [sys.executable, "-c", "from rnacorpus.cli import main; main()"]


def corpus_series() -> list[str]:
    sys.path.insert(0, str(REPO))
    from tests.conftest import corpus_root
    from tests.e2e.test_corpus_harvest import FAMILY_SOFT, OTHER_SERIES, scan

    return [scan(corpus_root() / "geo" / "soft" / name)[0] for name in FAMILY_SOFT] + OTHER_SERIES


def harvest_source(folder: Path) -> Path:
    """The corpus's GEO series harvested through the mirror into ``folder`` (kept for reuse)."""
    from rnacorpus import api
    from rnacorpus.config import ARCHIVE_HOSTS, Config, RateLimit
    from rnacorpus.mirror import MirrorServer
    from tests.conftest import corpus_root

    catalog = folder / "catalog.duckdb"
    if (folder / "harvested").exists():
        return catalog
    series = corpus_series()
    with MirrorServer(corpus_root()) as mirror:
        config = Config(
            catalog_path=catalog,
            store_dir=folder / "store",
            cache_dir=folder / "cache",
            mirror=mirror.url,
            rate_limits={archive: RateLimit(1000.0, 100) for archive in ARCHIVE_HOSTS},
        )
        report = api.harvest(series, config=config)
    if report.exit_code != 0:
        raise SystemExit(f"harvest of the corpus failed: {report.summary_line()}")
    (folder / "harvested").touch()
    return catalog


def replicate(source: Path, target: Path, n_samples: int) -> int:
    """Copy the harvested catalog and grow ``samples`` (and ``studies``) to ``n_samples`` rows."""
    import duckdb

    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    try:
        rows = int(con.execute("SELECT count(*) FROM samples").fetchone()[0])  # type: ignore[index]
        copies = -(-n_samples // rows)
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE TEMP TABLE base AS SELECT row_number() OVER (ORDER BY accession) - 1 AS j, * FROM samples")
        con.execute(
            "CREATE TEMP TABLE study_base AS "
            "SELECT row_number() OVER (ORDER BY accession) - 1 AS k, accession FROM studies"
        )
        con.execute("DELETE FROM samples")
        columns = {str(row[0]) for row in con.execute("SELECT name FROM pragma_table_info('samples')").fetchall()}
        # a replicated sample is its own physical sample: its identity is its new accession
        identity = ", printf('GSM9%08d', copy * $1 + j) AS sample_id" if "sample_id" in columns else ""
        con.execute(
            f"""
            INSERT INTO samples
            SELECT * EXCLUDE (j, k, copy, study_key)
                     REPLACE (printf('GSM9%08d', copy * $1 + j) AS accession,
                              coalesce(printf('GSE9%06d', copy * $2 + k), study_accession) AS study_accession
                              {identity})
            FROM (SELECT b.*, s.k, s.accession AS study_key, r.copy
                  FROM base b LEFT JOIN study_base s ON s.accession = b.study_accession,
                       range($3) r(copy))
            ORDER BY copy, j
            LIMIT $4
            """,  # noqa: S608 - fixed text and column names
            [rows, int(con.execute("SELECT count(*) FROM studies").fetchone()[0]), copies, n_samples],  # type: ignore[index]
        )
        studies = int(con.execute("SELECT count(*) FROM studies").fetchone()[0])  # type: ignore[index]
        con.execute("CREATE TEMP TABLE study_copies AS SELECT * FROM studies")
        con.execute("DELETE FROM studies")
        con.execute(
            """
            INSERT INTO studies
            SELECT * EXCLUDE (k, copy) REPLACE (printf('GSE9%06d', copy * ? + k) AS accession)
            FROM (SELECT row_number() OVER (ORDER BY accession) - 1 AS k, * FROM study_copies), range(?) r(copy)
            """,
            [studies, copies],
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return rows


def bare_connection(catalog: Path, store: Path) -> Any:
    """A plain read-only DuckDB connection to ``catalog`` that can read its reference views: they are
    Parquet files in the store, named relative to it (``catalog.references.use_store``)."""
    import duckdb

    from rnacorpus.catalog.references import use_store

    con = duckdb.connect(str(catalog), read_only=True)
    use_store(con, store)
    return con


def pick_terms(catalog: Path, store: Path) -> list[tuple[str, str, int]]:
    """(term_id, label, rows) of the tissue terms whose ancestor-aware counts are nearest each target."""
    con = bare_connection(catalog, store)
    try:
        counts = con.execute(
            """
            SELECT c.ancestor_id, t.label, count(*) AS n
            FROM samples s JOIN ontology_closure c ON c.descendant_id = s.tissue_id
                           JOIN ontology_terms t ON t.term_id = c.ancestor_id
            WHERE t.label IS NOT NULL AND NOT coalesce(t.deprecated, false)
            GROUP BY 1, 2
            """
        ).fetchall()
    finally:
        con.close()
    chosen: list[tuple[str, str, int]] = []
    for size in TARGET_SIZES:
        best = min(counts, key=lambda row: (abs(int(row[2]) - size), len(str(row[1]))))
        if best not in chosen:
            chosen.append((str(best[0]), str(best[1]), int(best[2])))
    return chosen


def median_ms(call: Callable[[], Any], repeat: int) -> float:
    call()  # warm-up: file cache, ontology index, imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def api_timings(
    catalog_path: Path, store: Path, terms: list[tuple[str, str, int]], repeat: int
) -> list[dict[str, Any]]:
    from rnacorpus.catalog.api import Catalog
    from rnacorpus.catalog.samples_query import SAMPLE_RESULT_COLUMNS

    catalog = Catalog.open(catalog_path)
    bare = bare_connection(catalog_path, store)
    columns = ", ".join(SAMPLE_RESULT_COLUMNS)
    results = []
    try:
        for term_id, label, rows in terms:
            got = catalog.samples(tissue=label)
            if got.num_rows != rows:
                raise SystemExit(f"tissue {label!r}: Catalog.samples gave {got.num_rows} rows, expected {rows}")

            def baseline(term: str = term_id) -> Any:
                return bare.sql(
                    f"SELECT {columns} FROM samples WHERE tissue_id IN "  # noqa: S608 - fixed column list
                    "(SELECT descendant_id FROM ontology_closure WHERE ancestor_id = ?)",
                    params=[term],
                ).to_arrow_table()

            results.append(
                {
                    "label": label,
                    "term": term_id,
                    "rows": rows,
                    "samples": median_ms(lambda lab=label: catalog.samples(tissue=lab), repeat),
                    "count": median_ms(lambda lab=label: catalog.count(tissue=lab), repeat),
                    "limit": median_ms(lambda lab=label: catalog.samples(tissue=lab, limit=100), repeat),
                    "baseline": median_ms(baseline, repeat),
                }
            )
    finally:
        bare.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cli-repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder kept between runs (the harvest is reused)")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not update docs/benchmarks.md")
    args = parser.parse_args()
    temp = None if args.keep else tempfile.TemporaryDirectory(prefix="rnacorpus-bench-query-")
    folder = args.keep or Path(temp.name)  # type: ignore[union-attr]
    folder.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        source = harvest_source(folder / "source")
        catalog = folder / f"catalog-{args.samples}.duckdb"
        if not catalog.exists():
            replicate(source, catalog, args.samples)
        built = time.perf_counter() - start
        store = folder / "source" / "store"
        terms = pick_terms(catalog, store)
        rows = api_timings(catalog, store, terms, args.repeat)
        big = min(rows, key=lambda r: abs(r["rows"] - 100_000))
        where = ["--catalog", str(catalog), "--store", str(store)]
        out = folder / "out.parquet"
        cli = {
            "json": median_seconds([*CLI, "query", "--tissue", big["label"], "--json", *where], args.cli_repeat),
            "table": median_seconds([*CLI, "query", "--tissue", big["label"], *where], args.cli_repeat),
            "parquet": median_seconds(
                [*CLI, "query", "--tissue", big["label"], "--format", "parquet", "--out", str(out), *where],
                args.cli_repeat,
                cleanup=out,
            ),
        }
        load = os.getloadavg()
    finally:
        if temp is not None:
            temp.cleanup()
    text = report(args, rows, big, cli, built, load)
    sys.stdout.write(text + "\n")
    if not args.no_doc:
        write_doc("query", text)


def report(
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    big: dict[str, Any],
    cli: dict[str, float],
    built: float,
    load: tuple[float, float, float],
) -> str:
    import duckdb

    lines = [
        "## Sample queries over 1M samples: `Catalog.samples` vs a bare DuckDB scan (`benchmarks/bench_query.py`)",
        "",
        f"Command: `python benchmarks/bench_query.py --samples {args.samples} --repeat {args.repeat}` "
        f"({dt.date.today()}; "
        + (f"harvest + replication {built:.0f} s)" if built >= 1 else "catalog reused from `--keep`)"),
        "",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}; load average at the end "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min; the machine is shared)",
        f"- Catalog: the shared corpus's GEO series harvested through the mirror, `samples` replicated to "
        f"{args.samples:,} rows with fresh accessions (records included).",
        "- API: median ms of the call after one warm-up, in one process (searches share a read-only connection "
        "kept 2 s, `catalog/reader_pool.py`); rows in catalog order. Baseline: the same predicate and columns on "
        "one open DuckDB connection, term IDs resolved beforehand.",
        "",
        "| tissue (term) | rows | `samples()` ms | baseline ms | ratio | `count()` ms | `samples(limit=100)` ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} ({row['term']}) | {row['rows']:,} | {row['samples']:.0f} | {row['baseline']:.0f} "
            f"| {row['samples'] / row['baseline']:.2f}× | {row['count']:.1f} | {row['limit']:.1f} |"
        )
    lines += [
        "",
        f'CLI end to end (fresh process, median of {args.cli_repeat}) for `--tissue "{big["label"]}"` '
        f"({big['rows']:,} rows): `--json` (JSON Lines to /dev/null) {cli['json']:.2f} s, default table view "
        f"{cli['table']:.2f} s, `--format parquet --out FILE` {cli['parquet']:.2f} s.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
