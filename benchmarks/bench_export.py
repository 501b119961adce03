"""Training-set export at corpus scale: throughput, peak memory, reader speed, rebuild identity.

One command per measurement, each against a baseline measured in the same run, each writing its
section of ``docs/benchmarks.md`` (command, machine, date, ``uptime`` load before and after)::

    python benchmarks/bench_export.py generate --samples 10000 --out /tmp/rnac-bench/c10k
    python benchmarks/bench_export.py generate --samples 100000 --out /tmp/rnac-bench/c100k
    python benchmarks/bench_export.py export --corpus /tmp/rnac-bench/c10k --corpus /tmp/rnac-bench/c100k \
        --repeat 2 --other-codecs lz4,none
    python benchmarks/bench_export.py reader --export /tmp/rnac-bench/c100k/export
    python benchmarks/bench_export.py rebuild --corpus /tmp/rnac-bench/c100k

* ``generate`` — :mod:`export_corpus`: N samples × 20,000 genes, ~200 samples per study, eight
  platforms (counts / TPM / FPKM), loaded through the product's own load path.
* ``export`` — every sample of each corpus → ``--genes protein_coding --normalize log1p_tpm
  --splits train=0.8,validation=0.1,test=0.1``, in a fresh subprocess (peak RSS of the child from
  ``os.wait4``), against the floor: a bare DuckDB scan of the same shards that decodes every value
  (``sum(list_sum(values))``, DuckDB's default threads), and at ≤ ``--pandas-max`` samples against
  pandas load-pivot-concat (each shard read with ``pd.read_parquet``, pivoted into a samples ×
  genes frame, normalized with the same formulas, reindexed to the gene set, concatenated, one wide
  Parquet file per split). ``--other-codecs`` adds rows for ``--compression lz4``/``none`` (at ≤
  ``--codecs-max`` samples). Runs are interleaved (scan, export, …) over a warm page cache;
  each figure is the best of ``--repeat``.
* ``reader`` — ``rnacorpus.read.iter_batches`` (NumPy batches of 256) over the ``train`` split, vs
  reading the same part files with ``pyarrow.parquet.ParquetFile.iter_batches`` into NumPy.
* ``rebuild`` — ``export --from-manifest`` of the ``export`` output into a second folder; every data
  file must be byte-identical (sha256 of each file on disk, both folders).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench  # noqa: E402

EXPORT_OPTIONS: dict[str, Any] = {
    "genes": "protein_coding",
    "normalize": "log1p_tpm",
    "splits": "train=0.8,validation=0.1,test=0.1",
}
OPTIONS_TEXT = "--genes protein_coding --normalize log1p_tpm --splits train=0.8,validation=0.1,test=0.1"
MiB = 1024**2


# --- helpers -----------------------------------------------------------------------------------------


def write_doc(key: str, text: str) -> None:
    begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    _bench.write_doc(begin, end, f"{begin}\n{text}\n{end}")


def command_line() -> str:
    return "python benchmarks/bench_export.py " + " ".join(sys.argv[1:])


def header(title: str, started_load: str) -> list[str]:
    return [
        f"## {title}",
        "",
        f"Command: `{command_line()}` ({dt.date.today()})",
        "",
        f"- Machine: {_bench.machine()}; load average (1, 5, 15 min) {started_load} at the start, "
        f"{_bench.load()} at the end (the machine is shared; ratios come from the same run)",
    ]


def run_child(kind: str, *args: str) -> dict[str, Any]:
    """Run ``kind`` in a fresh interpreter; its JSON line plus the child's peak RSS (MiB)."""
    run = _bench.run_child([sys.executable, __file__, "child", kind, *args])
    result: dict[str, Any] = json.loads(run.output.strip().splitlines()[-1])
    result["peak_rss_mib"] = run.peak_mb
    return result


def own_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def shard_paths(corpus: Path) -> list[str]:
    import duckdb

    con = duckdb.connect(str(corpus / "catalog.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT path FROM expression_shards ORDER BY path").fetchall()
    finally:
        con.close()
    return [str(corpus / "store" / r[0]) for r in rows]


def warm(paths: list[str]) -> int:
    """Read every file once so that each run starts from the same (warm) page cache."""
    total = 0
    for path in paths:
        with open(path, "rb") as handle:  # noqa: PTH123
            while chunk := handle.read(16 * MiB):
                total += len(chunk)
    return total


# --- children (one measurement each, in a fresh process) ------------------------------------------------


def child_scan(corpus: str) -> dict[str, Any]:
    import duckdb

    paths = shard_paths(Path(corpus))
    con = duckdb.connect()
    start_rss = own_rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    row = con.execute("SELECT count(*), sum(list_sum(values)) FROM read_parquet(?)", [paths]).fetchone()
    seconds = time.perf_counter() - start
    n = int(row[0]) if row else 0
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "samples": n,
        "start_rss_mib": start_rss,
        "threads": _duckdb_threads(con),
    }


def _duckdb_threads(con: Any) -> int:
    row = con.execute("SELECT current_setting('threads')").fetchone()
    return int(row[0]) if row else 0


def child_export(corpus: str, out: str, compression: str = "zstd") -> dict[str, Any]:
    import rnacorpus.catalog.export  # noqa: F401 - imported before the clock starts, as duckdb is for the scan
    from rnacorpus.catalog.api import Catalog

    catalog = Catalog.open(Path(corpus) / "catalog.duckdb")
    start_rss = own_rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    result = catalog.export(Path(out), overwrite=True, compression=compression, **EXPORT_OPTIONS)
    seconds = time.perf_counter() - start
    out_bytes = sum(f["bytes"] for f in result.files)
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "samples": result.n_samples,
        "features": result.n_features,
        "out_bytes": out_bytes,
        "start_rss_mib": start_rss,
        "splits": {k: v["samples"] for k, v in result.splits.items()},
        "cpu_seconds": result.cpu_seconds,
    }


def child_pandas(corpus: str, out: str) -> dict[str, Any]:
    """What a notebook does: read each shard with pandas, pivot to samples × genes, normalize, concat."""
    import duckdb
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    from rnacorpus.catalog.export_splits import assign_split, parse_splits
    from rnacorpus.harmonize.genes import load_reference

    corpus_dir, out_dir = Path(corpus), Path(out)
    start_rss = own_rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    reference = load_reference(9606).table.to_pandas()
    coding = reference[(reference["biotype"] == "protein_coding") & reference["ensembl_id"].notna()]
    coding = coding.sort_values("ensembl_id")
    lengths = pd.Series(coding["length"].to_numpy(np.float64), index=coding["ensembl_id"])
    con = duckdb.connect(str(corpus_dir / "catalog.duckdb"), read_only=True)
    units = dict(con.execute("SELECT sample_accession, unit FROM expression_samples").fetchall())
    shards = con.execute("SELECT path, study_accession FROM expression_shards ORDER BY path").fetchall()
    con.close()
    frames = []
    for path, study in shards:
        file = corpus_dir / "store" / path
        feature_ids = json.loads(pq.read_schema(file).metadata[b"rnacorpus.feature_ids"])
        long = pd.read_parquet(file)
        wide = pd.DataFrame(np.vstack(long["values"].to_numpy()), index=long["sample_accession"], columns=feature_ids)
        counts = wide.index.map(units) == "counts"
        if counts.any():  # a study's samples share a unit here; a mixed one needs both branches
            per_length = wide.loc[counts].div(lengths.reindex(wide.columns), axis=1)
            wide = pd.concat([per_length, wide.loc[~counts]]) if (~counts).any() else per_length
        wide = np.log1p(wide.div(wide.sum(axis=1), axis=0) * 1e6)
        wide = wide.reindex(columns=lengths.index).astype(np.float32)
        wide.insert(0, "study_accession", study)
        frames.append(wide)
    matrix = pd.concat(frames)
    spec = parse_splits(EXPORT_OPTIONS["splits"])
    split = matrix["study_accession"].map(lambda s: assign_split(s, spec, "rnacorpus"))
    pivot_seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in spec.names:
        matrix[split == name].to_parquet(out_dir / f"{name}.parquet")
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "load_pivot_concat_seconds": pivot_seconds,
        "samples": len(matrix),
        "start_rss_mib": start_rss,
    }


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "scan": child_scan,
    "export": child_export,
    "pandas": child_pandas,
}


# --- generate --------------------------------------------------------------------------------------------


def cmd_generate(args: argparse.Namespace) -> None:
    from export_corpus import generate_corpus

    out = Path(args.out)
    if (out / "catalog.duckdb").exists():
        raise SystemExit(f"{out} already holds a corpus; delete it first")
    out.mkdir(parents=True, exist_ok=True)
    started = _bench.load()

    def tick(done: int, total: int) -> None:
        sys.stderr.write(f"\r{done:,}/{total:,} samples")

    stats = generate_corpus(out, args.samples, n_genes=args.genes, seed=args.seed, tick=tick)
    sys.stderr.write("\n")
    lines = [
        *header(f"Export benchmark corpus: {args.samples:,} samples (`bench_export.py generate`)", started),
        f"- {stats.samples:,} samples × {args.genes:,} genes in {stats.studies} studies / {stats.shards} shards, "
        f"{stats.shard_bytes / 1024**3:.2f} GiB of Parquet, generated and loaded in {stats.seconds:.0f} s",
    ]
    text = "\n".join(lines)
    sys.stdout.write(text + "\n")
    if args.write:
        write_doc(f"export-corpus-{args.samples}", text)


# --- export ----------------------------------------------------------------------------------------------


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    best = min(runs, key=lambda r: r["seconds"])
    return best | {
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        "runs": [r["seconds"] for r in runs],
        "rss_runs": [r["peak_rss_mib"] for r in runs],
    }


def cmd_export(args: argparse.Namespace) -> None:
    started = _bench.load()
    rows: list[tuple[int, dict[str, dict[str, Any]]]] = []
    for corpus_text in args.corpus:
        corpus = Path(corpus_text)
        paths = shard_paths(corpus)
        shard_bytes = warm(paths)
        runs: dict[str, list[dict[str, Any]]] = {"scan": [], "export": [], "pandas": []}
        n = 0
        for _ in range(args.repeat):
            runs["scan"].append(run_child("scan", str(corpus)))
            n = runs["scan"][-1]["samples"]
            runs["export"].append(run_child("export", str(corpus), str(corpus / "export")))
            for codec in args.other_codecs if n <= args.codecs_max else []:
                out = corpus / f"export-{codec}"
                runs.setdefault(f"export-{codec}", []).append(run_child("export", str(corpus), str(out), codec))
                shutil.rmtree(out, ignore_errors=True)
            if n <= args.pandas_max:
                runs["pandas"].append(run_child("pandas", str(corpus), str(corpus / "export-pandas")))
                shutil.rmtree(corpus / "export-pandas", ignore_errors=True)
        best = {kind: _best(r) for kind, r in runs.items() if r}
        best["corpus"] = {"shards": len(paths), "bytes": shard_bytes}
        rows.append((n, best))
        sys.stderr.write(json.dumps({"samples": n, **best}, default=str) + "\n")
    text = "\n".join(_export_report(rows, started, args))
    sys.stdout.write(text + "\n")
    if args.write:
        write_doc("export", text)


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}"


def _export_report(
    rows: list[tuple[int, dict[str, dict[str, Any]]]], started: str, args: argparse.Namespace
) -> list[str]:
    lines = [
        *header("Training-set export at 10^4–10^5 samples (`benchmarks/bench_export.py export`)", started),
        f"- Work: every sample of a generated corpus (`bench_export.py generate`: ~200 samples per study, 20,000 "
        f"genes per shard on eight platforms, counts/TPM/FPKM) → `{OPTIONS_TEXT}` (20,120 protein-coding genes; "
        "the genes a platform lacks are NaN). Each run in a fresh subprocess; peak RSS from `os.wait4`; "
        f"warm page cache; best of {args.repeat} interleaved runs (all runs listed).",
        "- Floor: a bare DuckDB scan of the same shards that decodes every value "
        "(`SELECT count(*), sum(list_sum(values)) FROM read_parquet([...])`, DuckDB's default threads). "
        "Baseline at 10^4: pandas load-pivot-concat (`pd.read_parquet` per shard → samples × genes frame → "
        "same TPM/log1p formulas → `reindex` to the gene set → `pd.concat` → one wide `to_parquet` per split).",
        "",
        "| samples | shards (GiB) | what | seconds (runs) | CPU s | samples/s | peak RSS MiB, max (runs; at start) "
        "| vs floor |",
        "|---:|---|---|---|---:|---:|---:|---:|",
    ]
    for n, best in rows:
        scan, export = best["scan"], best["export"]
        corpus = f"{best['corpus']['shards']} ({best['corpus']['bytes'] / 1024**3:.2f})"
        labels = [("bare DuckDB scan (floor)", "scan"), ("rnacorpus export (default: zstd)", "export")]
        labels += [(f"rnacorpus export --compression {c}", f"export-{c}") for c in args.other_codecs]
        for label, key in (*labels, ("pandas", "pandas")):
            if key not in best:
                continue
            r = best[key]
            runs = ", ".join(f"{s:.1f}" for s in r["runs"])
            ratio = scan["seconds"] / r["seconds"]
            extra = ""
            if key == "pandas":
                extra = f" (load-pivot-concat {r['load_pivot_concat_seconds']:.1f} s)"
            elif key.startswith("export-"):
                extra = f" ({r['out_bytes'] / 1024**3:.2f} GiB written; encode CPU {r['cpu_seconds']['encode']:.1f} s)"
            lines.append(
                f"| {n:,} | {corpus} | {label}{extra} | {r['seconds']:.1f} ({runs}) | {_cpu(r)} | "
                f"{_rate(n, r['seconds'])} | {r['peak_rss_mib']:.0f} ({', '.join(f'{m:.0f}' for m in r['rss_runs'])}; "
                f"{r['start_rss_mib']:.0f}) | **{ratio:.2f}×** |"
            )
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in export.get("cpu_seconds", {}).items())
        lines.append(
            f"| | | export output: {export['features']:,} features, {export['out_bytes'] / 1024**3:.2f} GiB, "
            f"splits {export['splits']}; CPU by writer stage: {stages} (the rest: Arrow's decode threads, "
            "DuckDB, planning, samples.parquet) | | | | | |"
        )
    if len(rows) > 1:
        (n0, small), (n1, large) = rows[0], rows[-1]
        growth = large["export"]["peak_rss_mib"] / small["export"]["peak_rss_mib"]
        pairs = [f"{b / a:.2f}×" for a in small["export"]["rss_runs"] for b in large["export"]["rss_runs"]]
        lines += [
            "",
            f"Export peak RSS at {n1:,} samples is **{growth:.2f}×** the figure at {n0:,} "
            f"({large['export']['peak_rss_mib']:.0f} vs {small['export']['peak_rss_mib']:.0f} MiB, the larger of the "
            f"runs each; every pair of runs: {', '.join(pairs)}).",
        ]
    lines += ["", "Targets (issue 13):"]
    for n, best in rows:
        ratio = best["scan"]["seconds"] / best["export"]["seconds"]
        verdict = "met" if ratio >= 0.5 else f"**missed** by {0.5 - ratio:.2f} ({ratio / 0.5:.0%} of the target)"
        lines.append(f"- export ≥ 0.5× the bare scan at {n:,} samples: {ratio:.2f}× — {verdict}")
    if rows:
        n1, large = rows[-1]
        peak = large["export"]["peak_rss_mib"]
        lines.append(f"- peak RSS ≤ 2 GiB at {n1:,}: {peak:.0f} MiB — {'met' if peak <= 2048 else '**missed**'}")
    if len(rows) > 1:
        growth = rows[-1][1]["export"]["peak_rss_mib"] / rows[0][1]["export"]["peak_rss_mib"]
        lines.append(
            f"- peak RSS within 20% of the smaller export: {growth:.2f}× — {'met' if growth <= 1.2 else '**missed**'}"
        )
    return lines


def _cpu(run: dict[str, Any]) -> str:
    return f"{run['cpu']:.1f}" if "cpu" in run else "–"


# --- reader ----------------------------------------------------------------------------------------------


def _reader_rnacorpus(export: Path, batch: int, shuffle: int | None) -> Iterator[int]:
    from rnacorpus.read import iter_batches

    for values, _meta in iter_batches(export, "train", batch_size=batch, shuffle_seed=shuffle):
        yield len(values)


def _reader_pyarrow(export: Path, batch: int, _shuffle: int | None) -> Iterator[int]:
    import numpy as np
    import pyarrow.parquet as pq

    for part in sorted((export / "train").glob("part-*.parquet")):
        for record in pq.ParquetFile(part).iter_batches(batch_size=batch, columns=["sample_accession", "values"]):
            column = record.column("values")
            values = np.asarray(column.flatten().to_numpy(zero_copy_only=False), np.float32)
            values = values.reshape(len(record), column.type.list_size)
            _ = record.column("sample_accession").to_numpy(zero_copy_only=False)
            yield len(values)


def cmd_reader(args: argparse.Namespace) -> None:
    export = Path(args.export)
    warm([str(p) for p in (export / "train").glob("part-*.parquet")])
    started = _bench.load()
    readers = {
        "pyarrow `ParquetFile.iter_batches` → NumPy (baseline)": (_reader_pyarrow, None),
        "`rnacorpus.read.iter_batches`": (_reader_rnacorpus, None),
        "`rnacorpus.read.iter_batches`, shuffle_seed=0": (_reader_rnacorpus, 0),
    }
    times: dict[str, list[float]] = {k: [] for k in readers}
    cpu: dict[str, list[float]] = {k: [] for k in readers}
    n = 0
    for _ in range(args.repeat):
        for label, (reader, shuffle) in readers.items():
            start, cpu_start = time.perf_counter(), time.process_time()
            n = sum(reader(export, args.batch_size, shuffle))
            times[label].append(time.perf_counter() - start)
            cpu[label].append(time.process_time() - cpu_start)
    base = min(times[next(iter(readers))])
    lines = [
        *header("Reading an export back (`benchmarks/bench_export.py reader`)", started),
        f"- Input: the `train` split of `{export}` ({n:,} samples); batches of {args.batch_size}; one process, "
        f"warm page cache, best of {args.repeat} interleaved runs.",
        "",
        "| reader | seconds (runs) | CPU s (runs) | samples/s | vs pyarrow | CPU vs pyarrow |",
        "|---|---|---|---:|---:|---:|",
    ]
    base_cpu = min(cpu[next(iter(readers))])
    for label, runs in times.items():
        best, best_cpu = min(runs), min(cpu[label])
        lines.append(
            f"| {label} | {best:.2f} ({', '.join(f'{s:.2f}' for s in runs)}) | "
            f"{best_cpu:.2f} ({', '.join(f'{s:.2f}' for s in cpu[label])}) | {_rate(n, best)} | "
            f"**{base / best:.2f}×** | {base_cpu / best_cpu:.2f}× |"
        )
    text = "\n".join(lines)
    sys.stdout.write(text + "\n")
    if args.write:
        write_doc("export-reader", text)


# --- rebuild ---------------------------------------------------------------------------------------------


def _digests(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(16 * MiB):
                    digest.update(chunk)
            out[path.relative_to(folder).as_posix()] = digest.hexdigest()
    return out


def cmd_rebuild(args: argparse.Namespace) -> None:
    from rnacorpus.catalog.api import Catalog

    corpus = Path(args.corpus)
    first, second = corpus / "export", corpus / "export-rebuilt"
    started = _bench.load()
    start = time.perf_counter()
    result = Catalog.open(corpus / "catalog.duckdb").export(
        second, from_manifest=first / "manifest.json", overwrite=True
    )
    seconds = time.perf_counter() - start
    before, after = _digests(first), _digests(second)
    same = before == after
    differing = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    lines = [
        *header("Rebuilding an export from its manifest (`benchmarks/bench_export.py rebuild`)", started),
        f"- `export --from-manifest {first}/manifest.json` against the same catalog: {result.n_samples:,} samples, "
        f"{len(after)} data files, {sum((second / p).stat().st_size for p in after) / 1024**3:.2f} GiB, "
        f"{seconds:.0f} s.",
        f"- Every data file byte-identical (sha256 of each file on disk, both folders): **{'yes' if same else 'NO'}**"
        + ("" if same else f" — differing: {', '.join(differing[:10])}"),
        f"- The rebuild's own report of differences from the manifest: {result.differences or 'none'}",
    ]
    text = "\n".join(lines)
    sys.stdout.write(text + "\n")
    if args.write:
        write_doc("export-rebuild", text)
    if not args.keep:
        shutil.rmtree(second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write a benchmark corpus")
    gen.add_argument("--samples", type=int, required=True)
    gen.add_argument("--genes", type=int, default=20_000)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--out", required=True)
    exp = commands.add_parser("export", help="export throughput and peak RSS vs the bare scan (and pandas)")
    exp.add_argument("--corpus", action="append", required=True, help="a generated corpus (repeat: small first)")
    exp.add_argument("--repeat", type=int, default=1)
    exp.add_argument("--pandas-max", type=int, default=10_000, help="run the pandas baseline up to this many samples")
    exp.add_argument(
        "--other-codecs", default="", type=lambda text: [c for c in text.split(",") if c], help="e.g. lz4,none"
    )
    exp.add_argument("--codecs-max", type=int, default=10_000, help="run --other-codecs up to this many samples")
    rea = commands.add_parser("reader", help="iter_batches vs pyarrow")
    rea.add_argument("--export", required=True)
    rea.add_argument("--batch-size", type=int, default=256)
    rea.add_argument("--repeat", type=int, default=3)
    reb = commands.add_parser("rebuild", help="rebuild <corpus>/export from its manifest; byte-identical?")
    reb.add_argument("--corpus", required=True)
    reb.add_argument("--keep", action="store_true", help="keep the rebuilt folder")
    for sub in (gen, exp, rea, reb):
        sub.add_argument("--no-write", dest="write", action="store_false", help="do not update docs/benchmarks.md")
    child = commands.add_parser("child", help=argparse.SUPPRESS)
    child.add_argument("kind", choices=sorted(CHILDREN))
    child.add_argument("args", nargs="*")
    args = parser.parse_args()
    if args.command == "child":
        sys.stdout.write(json.dumps(CHILDREN[args.kind](*args.args)) + "\n")
        return
    {"generate": cmd_generate, "export": cmd_export, "reader": cmd_reader, "rebuild": cmd_rebuild}[args.command](args)


if __name__ == "__main__":
    main()
