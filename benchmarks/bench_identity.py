"""Identity at corpus scale: per-load cost of the identity rules, and the format-1 → 2 migration.

    .venv/bin/python benchmarks/bench_identity.py [--samples 1000000] [--per-study 10]

Builds a catalog of N generated GEO samples (N / per-study series, each sample with an SRX and a SAMN;
every 50th series reuses another series' experiments, as a reanalysis does) with bulk Arrow inserts,
then measures:

1. the migration step on that catalog in format-1 shape (sample ids for every record, accessions
   from samples and cross-references, study links);
2. ``apply_identity`` for one more 10-sample series loaded into it (half its samples share an SRX
   with held ones), against the baseline of the same load's other statements — what identity adds
   to every load.

Prints the figures and appends them (command, machine, date, load average) to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.identity import apply_identity
from rnacorpus.catalog.load import LoadPlan, load_study, sample_owned_tables
from rnacorpus.catalog.migrate_identity import migrate_to_identity
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.schemas import CrossRef, Sample, Study, StudyBundle

ROOT = Path(__file__).resolve().parents[1]


def _tables(n: int, per_study: int) -> dict[str, pa.Table]:
    studies = n // per_study
    gsm = [f"GSM{i}" for i in range(n)]
    gse = [f"GSE{i // per_study}" for i in range(n)]
    # every 50th series is a reanalysis: its samples state the experiments of the series before it
    srx = [f"SRX{i - per_study if (i // per_study) % 50 == 49 else i}" for i in range(n)]
    samples = pa.table({"accession": gsm, "study_accession": gse, "archive": ["geo"] * n})
    study_samples = pa.table({"study_accession": gse, "sample_accession": gsm})
    xrefs = pa.table(
        {
            "accession": gsm * 2,
            "db": ["SRA"] * n + ["BioSample"] * n,
            "xref_accession": srx + [f"SAMN{i}" for i in range(n)],
            "relation": ["SRA"] * n + ["BioSample"] * n,
            "study_accession": gse * 2,
        }
    )
    series = pa.table({"accession": [f"GSE{i}" for i in range(studies)], "archive": ["geo"] * studies})
    return {"samples": samples, "study_samples": study_samples, "xrefs": xrefs, "studies": series}


def _fill(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    for name, table in tables.items():
        con.register("_bulk", table)
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _bulk")  # noqa: S608 - our table names
        con.unregister("_bulk")


def _format1(path: Path, tables: dict[str, pa.Table]) -> None:
    """The generated rows in a format-1 catalog (its schema as the fixture keeps it)."""
    schema = (ROOT / "tests" / "data" / "catalogs" / "format1" / "schema.sql").read_text(encoding="utf-8")
    con = duckdb.connect(str(path))
    con.execute(schema)
    _fill(con, tables)
    con.execute("INSERT OR REPLACE INTO catalog_versions VALUES ('catalog_format', '1', now())")
    con.close()


def _new_series(n: int, per_study: int) -> StudyBundle:
    accession = f"GSE{n // per_study + 1}"
    samples = [
        Sample(
            accession=f"GSM{n + i}",
            study_accession=accession,
            archive="geo",
            xrefs=[CrossRef(db="SRA", accession=f"SRX{i * 7 if i % 2 else n + i}", relation="SRA")],
        )
        for i in range(per_study)
    ]
    return StudyBundle(Study(accession=accession, archive="geo"), samples=samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--per-study", type=int, default=10)
    args = parser.parse_args()
    tables = _tables(args.samples, args.per_study)
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "format1.duckdb"
        _format1(old, tables)
        con = duckdb.connect(str(old))
        started = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        migrate_to_identity(con)
        con.execute("COMMIT")
        migration = time.perf_counter() - started
        ids = con.execute("SELECT count(*), count(DISTINCT sample_id) FROM samples").fetchone()
        con.close()
        bundle = _new_series(args.samples, args.per_study)
        with writer(old) as con:  # opens at the current format (the migration above stamped nothing)
            con.execute("BEGIN TRANSACTION")
            started = time.perf_counter()
            apply_identity(con, bundle, sample_owned_tables())
            identity = time.perf_counter() - started
            con.execute("ROLLBACK")
            started = time.perf_counter()
            load_study(con, ExpressionStore(Path(tmp) / "store"), LoadPlan(bundle=bundle, content_sha256="k"))
            whole = time.perf_counter() - started
    load = os.getloadavg()
    lines = [
        f"identity, {args.samples:,} samples ({args.samples // args.per_study:,} series, {ids[1]:,} physical): "
        f"format 1 → 2 migration {migration:.1f} s; apply_identity for one {args.per_study}-sample series "
        f"{identity * 1000:.0f} ms of a {whole * 1000:.0f} ms load",
    ]
    print("\n".join(lines))
    _record(lines, load)


def _record(lines: list[str], load: tuple[float, float, float]) -> None:
    command = "python benchmarks/bench_identity.py " + " ".join(sys.argv[1:])
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    block = [
        "",
        f"### identity ({dt.date.today().isoformat()})",
        "",
        f"`{command}` on {platform.machine()} / {os.cpu_count()} CPUs; load average {load[0]:.2f} ({uptime})",
        "",
        *[f"- {line}" for line in lines],
        "",
    ]
    with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(block))


if __name__ == "__main__":
    main()
