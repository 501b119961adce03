"""Benchmark: harvesting a 1 GB family SOFT end to end vs GEOparse's parse and vs isal decompression.

    python benchmarks/bench_harvest_soft.py [--samples 1000 --small 200 --probes 54675 --repeats 3 --profile
                                            --work /tmp/bench-parse --no-docs]

Deterministic synthetic array series (Affymetrix-like platform whose probes name real human genes,
MAS5-like intensities with missing values; ``rnacorpus.harvester.geo.synthetic`` + ``writer``) are
written under ``--work`` (default ``/tmp/rnacorpus-bench-harvest``) — a 1 GB one (1,000 samples × 54,675 probes) and a
0.2 GB one (200 samples) — and served by ``rnacorpus mirror``. Every measurement is a fresh
subprocess; its peak RSS comes from ``os.wait4``:

* **decompress** — reading the gzip to its end with isal (``isal.igzip``, 1 MiB reads): the floor;
* **parse** — ``parse_family_soft`` (values spooled to disk, the per-feature statistics folded in as
  they are), then **units** — the harvest's unit detection over the same matrix
  (``pipeline.expression.detect_matrix_units``), timed apart; run
  ``--repeats`` times, each right after a decompression run (the ratio is taken per pair; with
  ``--profile`` one more, profiled run gives the profile and no timings);
* **harvest** — ``rnacorpus harvest GSE… --mirror URL`` end to end (download through the HTTP client
  and raw cache, parse, harmonize metadata and expression incl. the gene-level collapse, load,
  shards), into a catalog that already holds one tiny study ("warm": the one-off cost of a new
  catalog is measured apart, by that first tiny harvest) and, for the large file, into a new one;
* **GEOparse** — ``GEOparse.get_GEO(filepath=…)``, the parse call only.

``--floor-only`` runs the decompression / parse + units pairs alone (seconds instead of minutes, for
working on the parser) and prints them with each pair's CPU by thread; it never touches the doc.

On the large file the harvest and GEOparse are run as ``--repeats`` interleaved pairs (harvest, then
GEOparse, then the next pair), each with its wall and CPU seconds (user + system of the child) and the
load average when it started: the machine is shared, and a pair measured minutes apart under
different load says little, while CPU seconds are steadier than wall time.

The generated files are deleted at the end. Results replace the ``<!-- bench:harvest_soft -->``
section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from _bench import REPO, ChildRun, load, run_child, run_python, start_mirror, write_doc
from harvest_soft_report import BEGIN, END, floor_text, section_text

DEFAULT_WORK = Path("/tmp/rnacorpus-bench-harvest")
PRIME = "GSE990003"


def _rnacorpus() -> str:
    return str(Path(sys.executable).with_name("rnacorpus"))


# -- children --------------------------------------------------------------------------------------
def _generate(path: str, samples: int, probes: int, seed: int, accession: str) -> dict[str, Any]:
    from rnacorpus.harmonize.genes import load_reference
    from rnacorpus.harvester.geo.synthetic import synthetic_array_study
    from rnacorpus.harvester.geo.writer import write_family_soft

    genes = load_reference("human").genes_table()
    coding = [
        (symbol, entrez)
        for symbol, entrez, biotype in zip(
            genes["symbol"].to_pylist(), genes["entrez_id"].to_pylist(), genes["biotype"].to_pylist(), strict=True
        )
        if biotype == "protein_coding" and symbol
    ]
    bundle = synthetic_array_study(
        n_samples=samples, n_probes=probes, seed=seed, accession=accession, genes=coding, missing_fraction=0.001
    )
    write_family_soft(bundle, path)
    return {"bytes": Path(path).stat().st_size}


def _decompress(path: str) -> dict[str, Any]:
    from isal import igzip

    started, cpu = time.perf_counter(), time.process_time()
    total = 0
    with igzip.open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            total += len(block)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "bytes": total}


def _parse(path: str, profile: bool) -> dict[str, Any]:
    import cProfile
    import io
    import pstats

    from thread_cpu import ThreadCPU

    from rnacorpus.harmonize.units.row_evidence import row_evidence
    from rnacorpus.harvester.geo.soft import parse_family_soft
    from rnacorpus.pipeline.expression import detect_matrix_units, matrix_stats
    from rnacorpus.schemas.row_judge import judging_rows

    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    # ThreadCPU: which thread sets the pace (the profile cannot say: see thread_cpu); judging_rows: as
    # the harvest parses, each row's unit evidence taken in the parse
    with ThreadCPU() as threads, judging_rows(row_evidence):
        bundle = parse_family_soft(path)
    parsed, parsed_cpu = time.perf_counter(), time.process_time()
    matrix = bundle.expression[0]
    stats = matrix_stats(matrix)  # as the harvest takes them: folded in while the parser spooled the samples
    labels = {s.accession: [c.description or "" for c in s.table_columns] for s in bundle.samples}
    calls = detect_matrix_units(matrix, stats, [Path(path).name], labels)
    finished, finished_cpu = time.perf_counter(), time.process_time()
    result: dict[str, Any] = {
        "parse": parsed - started,
        "units": finished - parsed,
        "parse_cpu": parsed_cpu - cpu - threads.own_seconds,
        "units_cpu": finished_cpu - parsed_cpu,
        "samples": len(matrix.sample_accessions),
        "features": len(matrix.feature_ids),
        "units_seen": sorted({call.unit for call in calls}),
        "parse_threads": threads.by_name(),
    }
    if profiler:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(14)
        result["profile"] = out.getvalue().replace(f"{REPO}/", "")
    return result


def _steps(accession: str, url: str, folder: str) -> dict[str, Any]:
    """One harvest's steps run one after another in this process (what ``build_study`` runs, in
    order; the harmonize step as ``build_study`` runs it, metadata beside expression and each shard
    written as soon as it is planned), each with its wall and CPU seconds (all threads): where the
    harvest's time goes."""
    marks: list[tuple[str, float, float]] = []
    clock = [time.perf_counter(), time.process_time()]

    def mark(name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        marks.append((name, wall - clock[0], cpu - clock[1]))
        clock[:] = [wall, cpu]

    from rnacorpus.catalog.early_shard import EarlyFeatureShards
    from rnacorpus.catalog.package import encode_rows_ahead, write_package
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.config import Config
    from rnacorpus.harvester.base import StudyRef
    from rnacorpus.pipeline import worker
    from rnacorpus.pipeline.plan import build_load_plan, pipeline_salt
    from rnacorpus.pipeline.preload import warm_beside
    from rnacorpus.pipeline.shards_ahead import ShardsAhead

    mark("imports")
    root = Path(folder)
    config = Config.from_env(
        mirror=url, catalog_path=root / "catalog.duckdb", store_dir=root / "store", cache_dir=root / "cache"
    )
    task = worker.StudyTask(ref=StudyRef(accession=accession, source="geo"), config=config, salt=pipeline_salt())
    mark("gene references loaded (pipeline salt)")
    fetched = worker.fetch_study(task)
    assert isinstance(fetched, worker.Fetched)
    mark("fetch (download, checksum, gzip check of the head)")
    store = ExpressionStore(config.store_dir)
    warm_beside()  # as build_study: the ontology tables load beside the parse
    with EarlyFeatureShards(store.root):  # as build_study: the feature shard encoded while the parse spools
        bundle = worker.parse_and_prove(fetched, fetched.fetched)  # as build_study parses: proves the body whole
        mark("parse (proving the body whole; the feature shard's row groups encoded beside it)")
        with ShardsAhead(store, archive=bundle.study.archive, content_key=fetched.content_key) as ahead:
            plan = build_load_plan(bundle, content_sha256=fetched.content_key, on_shard=ahead.start)
            mark("harmonize: expression (units, gene index, mapping), metadata (ontology) and shard writes beside it")
            rows = encode_rows_ahead(store, plan)  # as build_study: while the last shards are written
            ahead.collect(plan)
    write_package(store, plan, rows)
    mark("write: the shards' rest and the load package")
    return {"steps": marks}


def _geoparse(path: str) -> dict[str, Any]:
    import logging
    import tempfile

    import GEOparse

    logging.getLogger("GEOparse").setLevel(logging.ERROR)
    started = time.perf_counter()
    gse = GEOparse.get_GEO(filepath=path, silent=True, destdir=tempfile.gettempdir())
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "samples": len(gse.gsms)}


# -- the parent ------------------------------------------------------------------------------------
def _harvest(accession: str, url: str, folder: Path, base: Path | None) -> dict[str, Any]:
    """One ``rnacorpus harvest`` in a fresh cache; the catalog and store start as a copy of ``base``."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if base is not None:
        shutil.copy(base / "catalog.duckdb", folder / "catalog.duckdb")
        shutil.copytree(base / "store", folder / "store")
    paths = ["--catalog", str(folder / "catalog.duckdb"), "--store", str(folder / "store")]
    started_load = load()
    run = run_child([_rnacorpus(), "harvest", accession, "--mirror", url, *paths, "--cache", str(folder / "cache")])
    sql = "SELECT level, n_samples, n_genes, unit FROM expression_shards WHERE study_accession = '%s' ORDER BY level"
    shards = run_child(
        [
            _rnacorpus(),
            "query",
            sql % accession,  # our own generated GSE number
            "--json",
            "--catalog",
            str(folder / "catalog.duckdb"),
        ]
    )
    rows = [json.loads(line) for line in shards.output.splitlines() if line.strip().startswith(("{", "["))]
    flat = [row for item in rows for row in (item if isinstance(item, list) else [item])]
    return {
        "seconds": run.seconds,
        "cpu": run.cpu_seconds,
        "peak_mb": run.peak_mb,
        "shards": flat,
        "load": started_load,
    }


def _geoparse_run(path: Path) -> dict[str, Any]:
    """GEOparse in its own process: wall (of the parse call and of the whole child), CPU, peak RSS."""
    started_load = load()
    run: ChildRun = run_child([sys.executable, __file__, "--worker", "geoparse", str(path)])
    result = json.loads(run.output.strip().splitlines()[-1])
    return {**result, "cpu": run.cpu_seconds, "peak_mb": run.peak_mb, "load": started_load}


def _floor_pairs(path: Path, repeats: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """``repeats`` interleaved (isal decompression, parse + units) pairs, each run a fresh process."""
    floors = []
    for _ in range(max(repeats, 1)):  # the floor and parse + units interleaved, like the harvest pairs
        started = load()
        floor, floor_mb = run_python(__file__, "--worker", "decompress", str(path))
        parsed, parse_mb = run_python(__file__, "--worker", "parse", str(path))
        floors.append(({**floor, "load": started, "peak_mb": floor_mb}, {**parsed, "peak_mb": parse_mb}))
    return floors


def _measure_file(
    path: Path, accession: str, url: str, work: Path, primed: Path, profile: bool, repeats: int
) -> dict[str, Any]:
    result: dict[str, Any] = {"gz_mb": path.stat().st_size / 1e6}
    floors = _floor_pairs(path, repeats)
    ordered = sorted(floors, key=lambda pair: (pair[1]["parse"] + pair[1]["units"]) / pair[0]["seconds"])
    median = ordered[(len(ordered) - 1) // 2]
    result["floor_pairs"] = floors
    result["decompress"], result["decompress_mb"] = median[0], median[0]["peak_mb"]
    result["parse"], result["parse_mb"] = median[1], median[1]["peak_mb"]
    if profile:  # a run of its own: the profiler's overhead stays out of the timed runs
        profiled, _ = run_python(__file__, "--worker", "parse", str(path), "profile")
        result["parse"]["profile"] = profiled["profile"]
    steps_dir = work / f"steps-{accession}"
    result["steps"], _ = run_python(__file__, "--worker", "steps", accession, url, str(steps_dir))
    shutil.rmtree(steps_dir, ignore_errors=True)
    pairs = []
    for _ in range(max(repeats, 1)):  # interleaved: each pair measured under the same load
        harvest = _harvest(accession, url, work / f"run-{accession}-warm", primed)
        pairs.append((harvest, _geoparse_run(path)))
    result["pairs"] = pairs
    result["harvest"] = _median_pair(pairs, 0)
    result["geoparse"] = _median_pair(pairs, 1)
    result["geoparse_mb"] = max(geo["peak_mb"] for _, geo in pairs)
    return result


def _median_pair(pairs: list[tuple[dict[str, Any], dict[str, Any]]], side: int) -> dict[str, Any]:
    """The run of the pair whose harvest-vs-GEOparse wall ratio is the median one (odd counts exact)."""
    ordered = sorted(pairs, key=lambda pair: pair[1]["seconds"] / pair[0]["seconds"])
    return ordered[(len(ordered) - 1) // 2][side]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--small", type=int, default=200, help="samples of the second, smaller file (0: none)")
    parser.add_argument("--probes", type=int, default=54675)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="profile parse + units and print the top functions")
    parser.add_argument("--no-docs", action="store_true", help="print the section, do not touch docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the generated files in --work")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for generated files and runs")
    parser.add_argument(
        "--repeats", type=int, default=3, help="interleaved harvest/GEOparse pairs on the large file (the small: 1)"
    )
    parser.add_argument(
        "--floor-only",
        action="store_true",
        help="only the interleaved isal / parse + units pairs (no harvest, GEOparse or steps); printed, never "
        "written to docs/benchmarks.md",
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, path, *rest = args.worker
        if kind == "generate":
            samples, probes, seed, accession = rest
            print(json.dumps(_generate(path, int(samples), int(probes), int(seed), accession)))
        elif kind == "decompress":
            print(json.dumps(_decompress(path)))
        elif kind == "parse":
            print(json.dumps(_parse(path, "profile" in rest)))
        elif kind == "steps":
            print(json.dumps(_steps(path, *rest)))
        elif kind == "geoparse":
            print(json.dumps(_geoparse(path)))
        return

    work: Path = args.work
    files = work / f"files-{args.samples}-{args.small}-{args.probes}-{args.seed}"
    files.mkdir(parents=True, exist_ok=True)
    sizes = [("1 GB", "GSE990001", args.samples)] + ([("0.2 GB", "GSE990002", args.small)] if args.small else [])
    for _, accession, samples in [*sizes, ("prime", PRIME, 2)]:
        target = files / f"{accession}_family.soft.gz"
        if not target.exists():  # deterministic: same arguments, same file
            run_python(
                __file__,
                "--worker",
                "generate",
                str(target),
                str(samples),
                str(args.probes if samples > 2 else 100),
                str(args.seed),
                accession,
            )
    if args.floor_only:
        for label, accession, _ in sizes:
            pairs = _floor_pairs(files / f"{accession}_family.soft.gz", args.repeats)
            print(f"### {label}", *floor_text(pairs), sep="\n")
        if not args.keep:
            _remove_ours(work, [files.name])
        return
    mirror, url = start_mirror(files)
    try:
        prime = _harvest(PRIME, url, work / "primed", None)
        results = {
            label: _measure_file(
                files / f"{acc}_family.soft.gz",
                acc,
                url,
                work,
                work / "primed",
                args.profile,
                args.repeats if k == 0 else 1,
            )
            for k, (label, acc, _) in enumerate(sizes)
        }
        cold = {sizes[0][0]: _harvest(sizes[0][1], url, work / "run-cold", None)}
    finally:
        mirror.terminate()
        mirror.wait(timeout=30)
    command = (
        f"python benchmarks/bench_harvest_soft.py --samples {args.samples} --small {args.small} --probes {args.probes}"
        f" --repeats {args.repeats}" + (" --profile" if args.profile else "")
    )
    section = section_text(command, results, cold, prime)
    print(section)
    if not args.no_docs:
        write_doc(BEGIN, END, section)
    if not args.keep:
        _remove_ours(work, [files.name, "primed", "run-cold", *(f"run-{acc}-warm" for _, acc, _ in sizes)])


def _remove_ours(work: Path, names: list[str]) -> None:
    """Delete the folders this benchmark made in ``work`` (``--work`` may name a folder of the user's:
    whatever else it holds stays), then ``work`` itself only if that left it empty."""
    for name in names:
        shutil.rmtree(work / name, ignore_errors=True)
    with contextlib.suppress(OSError):
        work.rmdir()


if __name__ == "__main__":
    main()
