"""Export of a training matrix: rnacorpus (shard by shard) vs the usual pandas outer-concat.

Builds a catalog of synthetic studies whose feature sets overlap (as platforms do), then exports every
sample into one matrix in a union gene order, twice in fresh subprocesses:

* **rnacorpus** — ``Catalog.export`` (reads one shard at a time, gathers its columns into the target
  order with index arrays, streams row groups to Parquet);
* **baseline: pandas outer concat** — each shard into a DataFrame, ``pd.concat(join="outer")``, write
  Parquet: what a notebook (or GEOparse's ``pivot_samples`` + concat) does.

Prints seconds and peak RSS for both and their ratios, and writes them to docs/benchmarks.md.

    python benchmarks/bench_export.py [--studies 40 --samples 50 --genes 20000 --universe 30000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:export -->", "<!-- /bench:export -->"


def build_catalog(folder: Path, studies: int, samples: int, genes: int, universe: int) -> None:
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.load import LoadPlan, ShardPlan, load_study
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.schemas import ExpressionMatrix, ExpressionSource, Sample, Study, StudyBundle

    rng = np.random.default_rng(0)
    all_ids = [f"ENSG{n:011d}" for n in range(universe)]
    store = ExpressionStore(folder / "store")
    with writer(folder / "catalog.duckdb") as con:
        con.execute("INSERT OR REPLACE INTO catalog_versions VALUES ('store_dir', ?, now())", [str(store.root)])
        for k in range(studies):
            accession = f"GSE{900000 + k}"
            ids = sorted(rng.choice(all_ids, size=genes, replace=False).tolist())
            gsms = [f"GSM{9_000_000 + k * samples + i}" for i in range(samples)]
            study = Study(accession=accession, archive="geo", title=accession, sample_accessions=gsms)
            records = [Sample(accession=g, study_accession=accession, archive="geo", organism_taxid=9606) for g in gsms]
            values = rng.gamma(2.0, 50.0, size=(samples, genes)).astype(np.float32)
            source = ExpressionSource(study_accession=accession, kind="ncbi_counts", file="x", unit="counts")
            matrix = ExpressionMatrix(source, gsms, ids, values)
            bundle = StudyBundle(study=study, samples=records, expression=[matrix])
            load_study(con, store, LoadPlan(bundle, accession, "bench", shards=[ShardPlan(matrix)]))


def run_rnacorpus(folder: Path) -> None:
    from rnacorpus.catalog.api import Catalog

    Catalog.open(folder / "catalog.duckdb").export(folder / "out-rnacorpus", overwrite=True)


def run_pandas(folder: Path) -> None:
    import pandas as pd

    from rnacorpus.catalog.api import Catalog

    catalog = Catalog.open(folder / "catalog.duckdb")
    frames = []
    for path in catalog.sql("SELECT path FROM expression_shards ORDER BY path").column(0).to_pylist():
        shard = catalog.store.read(path)
        frames.append(pd.DataFrame(shard.values, index=shard.sample_accessions, columns=shard.feature_ids))
    matrix = pd.concat(frames, join="outer", sort=True)
    matrix.to_parquet(folder / "out-pandas.parquet")


def child(kind: str, folder: str) -> None:
    start = time.perf_counter()
    {"rnacorpus": run_rnacorpus, "pandas": run_pandas}[kind](Path(folder))
    sys.stdout.write(json.dumps({"seconds": time.perf_counter() - start}) + "\n")


def measure(kind: str, folder: Path) -> tuple[float, float]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(folder)], stdout=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise SystemExit(f"{kind} run failed")
    return json.loads(output)["seconds"], usage.ru_maxrss / 1024


def write_doc(text: str) -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in current:
        head, rest = current.split(BEGIN, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=40)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--genes", type=int, default=20000)
    parser.add_argument("--universe", type=int, default=30000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="rnacorpus-bench-export-") as tmp:
        folder = Path(tmp)
        build_catalog(folder, args.studies, args.samples, args.genes, args.universe)
        ours, theirs = measure("rnacorpus", folder), measure("pandas", folder)
    n = args.studies * args.samples
    lines = [
        "## Training-set export: rnacorpus vs pandas outer concat (`benchmarks/bench_export.py`)",
        "",
        f"Command: `python benchmarks/bench_export.py --studies {args.studies} --samples {args.samples} "
        f"--genes {args.genes} --universe {args.universe}` ({dt.date.today()})",
        "",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        f"- Input: {args.studies} shards of {args.samples} samples × {args.genes:,} features drawn from "
        f"{args.universe:,}; output {n:,} samples in the union order. Each run in a fresh subprocess; "
        "peak RSS of the child.",
        "",
        "| exporter | seconds | peak RSS MB |",
        "|---|---:|---:|",
        f"| rnacorpus `Catalog.export` (shard by shard) | {ours[0]:.2f} | {ours[1]:.0f} |",
        f"| baseline: pandas `concat(join='outer')` + `to_parquet` | {theirs[0]:.2f} | {theirs[1]:.0f} |",
        f"| **ratio baseline / rnacorpus** | **{theirs[0] / ours[0]:.1f}×** | **{theirs[1] / ours[1]:.1f}×** |",
    ]
    text = "\n".join(lines)
    sys.stdout.write(text + "\n")
    write_doc(text)


if __name__ == "__main__":
    main()
