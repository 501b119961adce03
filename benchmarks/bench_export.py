"""Training-set export at corpus scale: throughput, peak memory, reader speed, rebuild identity.

One command per measurement, each against a baseline measured in the same run, each writing its
section of ``docs/benchmarks.md`` (command, machine, date, ``uptime`` load before and after)::

    python benchmarks/bench_export.py generate --samples 10000 --out /tmp/rnac-bench/c10k
    python benchmarks/bench_export.py generate --samples 100000 --out /tmp/rnac-bench/c100k
    python benchmarks/bench_export.py export --corpus /tmp/rnac-bench/c10k --corpus /tmp/rnac-bench/c100k \
        --repeat 2 --other-codecs lz4,none
    python benchmarks/bench_export.py reader --export /tmp/rnac-bench/c100k/export
    python benchmarks/bench_export.py rebuild --corpus /tmp/rnac-bench/c100k
    python benchmarks/bench_export.py codecs --export /tmp/rnac-bench/c10k/export

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
* ``codecs`` — :mod:`export_codecs`: each part-file codec's write CPU, read CPU and bytes on the
  export's own row groups (what chose the default).
* ``rebuild`` — ``export --from-manifest`` of the ``export`` output into a second folder; every data
  file must be byte-identical (sha256 of each file on disk, both folders).

The measurements run in child processes (:mod:`export_children`); the report's header and export
table are in :mod:`export_report`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench  # noqa: E402
from export_children import CHILDREN, shard_paths  # noqa: E402
from export_report import export_table, header, rate, write_doc  # noqa: E402

MiB = 1024**2


# --- helpers -----------------------------------------------------------------------------------------


def run_child(kind: str, *args: str) -> dict[str, Any]:
    """Run ``kind`` in a fresh interpreter; its JSON line plus the child's peak RSS (MiB)."""
    run = _bench.run_child([sys.executable, __file__, "child", kind, *args])
    result: dict[str, Any] = json.loads(run.output.strip().splitlines()[-1])
    result["peak_rss_mib"] = run.peak_mb
    return result


def warm(paths: list[str]) -> int:
    """Read every file once so that each run starts from the same (warm) page cache."""
    total = 0
    for path in paths:
        with open(path, "rb") as handle:  # noqa: PTH123
            while chunk := handle.read(16 * MiB):
                total += len(chunk)
    return total


# --- generate --------------------------------------------------------------------------------------------


def cmd_generate(args: argparse.Namespace) -> None:
    from export_corpus import generate_corpus

    from rnacorpus.catalog.shard_format import SHARD_FORMAT

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
        f"{stats.shard_bytes / 1024**3:.2f} GiB of Parquet (shard format {SHARD_FORMAT}), generated and loaded in "
        f"{stats.seconds:.0f} s",
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
    text = "\n".join(export_table(rows, started, args))
    sys.stdout.write(text + "\n")
    if args.write:
        write_doc("export", text)


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
            f"{best_cpu:.2f} ({', '.join(f'{s:.2f}' for s in cpu[label])}) | {rate(n, best)} | "
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


# --- codecs ----------------------------------------------------------------------------------------------


def cmd_codecs(args: argparse.Namespace) -> None:
    from export_codecs import codec_table

    started = _bench.load()
    lines = [
        *header("The part files' codecs on an export's row groups (`benchmarks/bench_export.py codecs`)", started),
        *codec_table(Path(args.export), args.groups, args.repeat),
    ]
    text = "\n".join(lines)
    sys.stdout.write(text + "\n")
    if args.write:
        write_doc("export-codecs", text)


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
    cod = commands.add_parser("codecs", help="each codec's write/read CPU and bytes on an export's row groups")
    cod.add_argument("--export", required=True)
    cod.add_argument("--groups", type=int, default=8)
    cod.add_argument("--repeat", type=int, default=3)
    for sub in (gen, exp, rea, reb, cod):
        sub.add_argument("--no-write", dest="write", action="store_false", help="do not update docs/benchmarks.md")
    child = commands.add_parser("child", help=argparse.SUPPRESS)
    child.add_argument("kind", choices=sorted(CHILDREN))
    child.add_argument("args", nargs="*")
    args = parser.parse_args()
    if args.command == "child":
        sys.stdout.write(json.dumps(CHILDREN[args.kind](*args.args)) + "\n")
        return
    commands_run = {"generate": cmd_generate, "export": cmd_export, "reader": cmd_reader, "rebuild": cmd_rebuild}
    (commands_run | {"codecs": cmd_codecs})[args.command](args)


if __name__ == "__main__":
    main()
