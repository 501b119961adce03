"""Harvest on a cluster: sequential vs a local process pool vs a Dask LocalCluster of 1, 2 and 4 workers.

    python benchmarks/bench_cluster.py [--series 200] [--samples 40] [--latency 0.2] [--write-doc]

A generated metadata-only GEO corpus (``harvester/geo/synthetic_series.py``; RNA-seq family SOFT files,
characteristics to harmonize) is served by the loopback mirror, which holds every answer back by
``--latency`` seconds (as a real archive answers) and records when each request arrives. Every
configuration harvests the whole corpus into a fresh catalog (a copy of one with the references
loaded), a fresh store and a fresh cache, in its own child process, with the rate limits of a run
with an NCBI API key (E-utilities and www.ncbi 10 requests/s, the FTP host 5/s with bursts of 2):

* ``sequential`` — one fetch thread, one build thread, one study per commit (the baseline);
* ``local-4`` — ``--workers 4``: four fetch threads, four local build processes;
* ``dask-1/2/4`` — a ``LocalCluster`` of 1, 2 and 4 worker processes (one thread each), started
  inside the child before the clock starts; the driver fetches (one rate limit) and commits.

Printed per configuration: wall time of the harvest, its ratio to the sequential baseline, requests/s
per archive host against its cap (whole run, and the busiest one-second window), and whether the
catalog equals the sequential one (every data table, run/time columns and run folders aside).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._bench import load, machine, run_child, versions, write_doc

WORK = Path("/tmp/bench-scaleout")
#: the limits of a run with an NCBI API key (Config's defaults: every NCBI and EBI host)
API_KEY = "bench-key"
CONFIGS: dict[str, dict[str, Any]] = {
    "sequential": {"workers": 1, "executor": "threads", "commit_batch": 1},
    "local-4": {"workers": 4},
    "dask-1": {"dask_workers": 1},
    "dask-2": {"dask_workers": 2},
    "dask-4": {"dask_workers": 4},
}


# -- the child: one configuration's harvest --------------------------------------------------------


def child(spec: dict[str, Any]) -> dict[str, Any]:
    from rnacorpus import api
    from rnacorpus.config import Config

    folder = Path(spec["folder"])
    options = dict(CONFIGS[spec["name"]])
    cluster = None
    dask_workers = options.pop("dask_workers", None)
    if dask_workers:
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=dask_workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, silence_logs=40
        )
        with Client(cluster) as client:  # warm the workers' imports before the clock starts
            client.run(lambda: __import__("rnacorpus.pipeline.plan").pipeline.plan.pipeline_salt())
        options["scheduler"] = cluster.scheduler_address
    config = Config(
        catalog_path=folder / "catalog.duckdb",
        store_dir=folder / "store",
        cache_dir=folder / "cache",
        mirror=spec["mirror"],
        ncbi_api_key=API_KEY,
        **options,
    )
    started = time.perf_counter()
    report = api.harvest(spec["accessions"], config=config)
    seconds = time.perf_counter() - started
    if cluster is not None:
        cluster.close()
    return {"seconds": seconds, "exit_code": report.exit_code, "counts": report.counts}


# -- the parent: corpus, mirror, runs, comparison --------------------------------------------------


def seed_catalog() -> Path:
    """A catalog with the references loaded (genes, ontologies) and no study: every run starts from a copy."""
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.runs import finish_run
    from rnacorpus.config import Config
    from rnacorpus.pipeline.harvest import start_run

    seed = WORK / "seed" / "catalog.duckdb"
    if not seed.exists():
        config = Config(catalog_path=seed, store_dir=seed.parent / "store", cache_dir=seed.parent / "cache")
        start_run(config, "seed", "seed")
        with writer(seed) as con:
            finish_run(con, "seed", status="ok", counts={}, details={})
    return seed


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    from rnacorpus.harvester.geo.synthetic_series import CorpusSpec, write_metadata_corpus
    from rnacorpus.mirror import MirrorServer
    from rnacorpus.mirror.server import _Handler
    from tests.reliability.fault_mirror import archive_of

    spec = CorpusSpec(n_series=args.series, n_samples=args.samples, seed=7)
    corpus = WORK / "corpus" / spec.name
    write_metadata_corpus(corpus, spec, processes=2)
    arrivals: list[tuple[str, float]] = []

    class SlowHandler(_Handler):
        def _answer(self, *, send_body: bool, form: str = "") -> None:
            arrivals.append((archive_of(self.path.split("?", 1)[0]), time.monotonic()))
            time.sleep(args.latency)
            super()._answer(send_body=send_body, form=form)

    results: dict[str, Any] = {}
    with MirrorServer(corpus) as mirror:
        mirror._httpd.RequestHandlerClass = SlowHandler
        seed = seed_catalog()
        for name in args.configs:
            folder = WORK / "runs" / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            shutil.copyfile(seed, folder / "catalog.duckdb")
            arrivals.clear()
            payload = {"name": name, "folder": str(folder), "mirror": mirror.url, "accessions": spec.accessions}
            run = run_child([sys.executable, __file__, "--child", json.dumps(payload)])
            out = json.loads(run.output.strip().splitlines()[-1])
            out["rates"] = request_rates(arrivals)
            out["load"] = load()
            results[name] = out
            print(f"{name}: {out['seconds']:.1f} s, {out['counts']}, {out['rates']}", flush=True)
    baseline = WORK / "runs" / args.configs[0]
    for name in args.configs:
        results[name]["equal"] = same_catalog(baseline, WORK / "runs" / name)
    return {"spec": spec.name, "n_series": spec.n_series, "n_samples": spec.n_samples, "runs": results}


def request_rates(arrivals: list[tuple[str, float]]) -> dict[str, dict[str, float]]:
    by_host: dict[str, list[float]] = defaultdict(list)
    for archive, at in arrivals:
        by_host[archive].append(at)
    rates = {}
    for archive, times in sorted(by_host.items()):
        times.sort()
        span = max(times[-1] - times[0], 1e-9)
        busiest = max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))
        rates[archive] = {"requests": len(times), "per_s": round((len(times) - 1) / span, 2), "busiest_1s": busiest}
    return rates


def same_catalog(left: Path, right: Path) -> bool:
    from tests.reliability.snapshot import catalog_snapshot, diff_snapshots

    a = catalog_snapshot(left / "catalog.duckdb", root=left, references=False)
    b = catalog_snapshot(right / "catalog.duckdb", root=right, references=False)
    return not diff_snapshots(a, b)


def render(result: dict[str, Any], args: argparse.Namespace) -> str:
    runs = result["runs"]
    base = runs[args.configs[0]]["seconds"]
    from rnacorpus.config import Config

    limits = Config(ncbi_api_key=API_KEY).limits
    hosts = sorted({host for out in runs.values() for host in out["rates"]})
    caps = ", ".join(f"{k} {limits[k].rate:g}/s (burst {limits[k].burst})" for k in hosts if k in limits)
    lines = [
        "<!-- bench:cluster -->",
        "## Harvest on a cluster (`benchmarks/bench_cluster.py`)",
        "",
        f"Command: `python benchmarks/bench_cluster.py --series {args.series} --samples {args.samples} "
        f"--latency {args.latency}`. Machine: {machine()}; {versions(['dask', 'distributed', 'duckdb'])}; "
        f"date {time.strftime('%Y-%m-%d')}. Corpus: {result['n_series']} generated RNA-seq series × "
        f"{result['n_samples']} samples (metadata-only family SOFT), served by the loopback mirror with "
        f"{args.latency * 1000:.0f} ms added to every answer. Caps: {caps}.",
        "",
        "Requests/s per host: over the whole run (busiest one-second window); the cap holds when the "
        "busiest window is at most burst + rate.",
        "",
        "| configuration | wall s | vs sequential | "
        + " | ".join(f"{host} req/s (busiest 1 s)" for host in hosts)
        + " | catalog = sequential | load after (1, 5, 15 min) |",
        "|---|---|---|" + "---|" * len(hosts) + "---|---|",
    ]
    for name, out in runs.items():
        rates = [out["rates"].get(host, {}) for host in hosts]
        cells = " | ".join(f"{r.get('per_s', 0)} ({r.get('busiest_1s', 0)})" for r in rates)
        lines.append(
            f"| {name} | {out['seconds']:.1f} | {base / out['seconds']:.2f}× | {cells} | "
            f"{'yes' if out['equal'] else 'NO'} | {out['load']} |"
        )
    lines += ["", "<!-- /bench:cluster -->"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--write-doc", action="store_true", help="replace the section in docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help=f"keep the corpus and runs under {WORK}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    try:
        result = run_all(args)
    finally:
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)  # the disk is shared
    section = render(result, args)
    print(section)
    if args.write_doc:
        write_doc("<!-- bench:cluster -->", "<!-- /bench:cluster -->", section)


if __name__ == "__main__":
    main()
