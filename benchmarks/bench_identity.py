"""Identity at corpus scale: per-load cost of the identity rules, and the format-1 → 2 migration.

    .venv/bin/python benchmarks/bench_identity.py [--samples 1000000] [--per-study 10] [--repeat 5]

Builds a catalog of N generated GEO samples (N / per-study series, each sample with an SRX and a SAMN;
every 50th series reuses another series' experiments, as a reanalysis does) with bulk Arrow inserts,
then measures:

1. the migration step on that catalog in format-1 shape (sample ids for every record, accessions
   from samples and cross-references, study links);
2. ``apply_identity`` for one more 10-sample series loaded into it (half its samples share an SRX
   with held ones), against the baseline of the same rules with the identity indexes dropped, and
   as a share of that series' whole load — what identity adds to every load.

Prints the figures and writes them (command, machine, date, load average) into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa
from _bench import load, machine, versions
from docblock import write_doc

from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.ddl import IDENTITY_INDEXES
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


def _identity_ms(con: duckdb.DuckDBPyConnection, bundle: StudyBundle, repeat: int) -> float:
    """Median ms of ``apply_identity`` for ``bundle``, each try rolled back (the catalog is unchanged)."""
    times = []
    for _ in range(repeat):
        con.execute("BEGIN TRANSACTION")
        started = time.perf_counter()
        apply_identity(con, bundle, sample_owned_tables())
        times.append(time.perf_counter() - started)
        con.execute("ROLLBACK")
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--per-study", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
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
        assert ids is not None
        con.close()
        bundle = _new_series(args.samples, args.per_study)
        with writer(old) as con:  # opens at the current format (the migration above stamped nothing)
            indexed = _identity_ms(con, bundle, args.repeat)
            for statement in IDENTITY_INDEXES:  # baseline: the same rules, lookups without the indexes
                con.execute(f"DROP INDEX IF EXISTS {statement.split(' EXISTS ')[1].split()[0]}")
            scanned = _identity_ms(con, bundle, args.repeat)
            for statement in IDENTITY_INDEXES:
                con.execute(statement)
            started = time.perf_counter()
            load_study(con, ExpressionStore(Path(tmp) / "store"), LoadPlan(bundle=bundle, content_sha256="k"))
            whole = (time.perf_counter() - started) * 1000
    series = args.samples // args.per_study
    text = "\n".join(
        [
            "## Identity rules at corpus scale (`benchmarks/bench_identity.py`)",
            "",
            f"Command: `python benchmarks/bench_identity.py --samples {args.samples} --per-study {args.per_study} "
            f"--repeat {args.repeat}` ({dt.date.today().isoformat()})",
            "",
            f"- Machine: {machine()}; {versions(['duckdb'])}; load average at the end {load()} (1/5/15 min; "
            "the machine is shared, so read the same-run ratio)",
            f"- Catalog: {args.samples:,} generated GEO samples in {series:,} series, each with an SRX and a SAMN; "
            f"every 50th series restates the previous one's experiments (a reanalysis): {ids[1]:,} physical samples.",
            f"- One more {args.per_study}-sample series (half its samples share an SRX with held ones); "
            f"`apply_identity` median of {args.repeat}, each rolled back.",
            "",
            "| what | ms |",
            "|---|---:|",
            f"| `apply_identity`, identity indexes (`catalog/ddl.py` `IDENTITY_INDEXES`) | {indexed:.1f} |",
            f"| baseline: the same rules with the indexes dropped (lookups scan) | {scanned:.1f} |",
            f"| the whole `load_study` of that series (indexes, identity included) | {whole:.1f} |",
            f"| format 1 → 2 migration of the catalog (sample ids, accessions, links) | {migration * 1000:,.0f} |",
            "",
            f"Indexes vs scans: **{scanned / indexed:.1f}×**; identity is {indexed / whole:.0%} of the series' load.",
        ]
    )
    print(text)
    write_doc("identity", text)


if __name__ == "__main__":
    main()
