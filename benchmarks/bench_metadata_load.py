"""Benchmark: loading a generated metadata-only GEO corpus through the mirror, end to end.

    python benchmarks/bench_metadata_load.py [--series 2000 --samples 500 --workers 2 --compare 40
                                              --geoparse 10 --enrichment 1 --profile --no-docs]

A deterministic corpus of RNA-seq family SOFT files (characteristics only, no tables, as GEO serves
sequencing series; ``rnacorpus.harvester.geo.synthetic_series``: realistic keys and values with
typos, donor IDs, ages, doses) is written once under ``/tmp/bench-load/metadata/<spec>`` and
served by ``rnacorpus mirror`` in its own process. Every measurement is a fresh ``rnacorpus harvest``
subprocess (the real command: download through the HTTP client and raw cache, parse, harmonize,
load packages, commits) into a new catalog; samples/s = samples loaded / wall time of that command.

* **load** — all ``--series`` × ``--samples`` with ``--workers`` (the headline figure; the issue's
  target is ≥ 3,500 samples/s on 2 cores, 1,000,000 samples in ≤ 5 min), GEO alone
  (``RNACORPUS_ENRICH=none``, as every measurement here but the next);
* **enrichment** — ``--enrichment`` series harvested GEO-only and with the default enrichment (ENA,
  then BioSamples by accession block; ``benchmarks/bench_enrichment.py`` measures it with records);
* **executors** — the first ``--compare`` series with one worker (a build thread beside the
  driver), two worker threads and two worker processes: which wins on this machine;
* **fixed cost of a new catalog** — ``harvest`` of one 500-sample series into a new catalog minus
  the same-sized harvest of another series into a catalog that exists (median of 3 each), and
  ``start_run`` alone (schema, stamps, reference files) on a new catalog, with the catalog's size then;
* **baseline** — GEOparse's ``get_GEO(filepath=…)`` over the first ``--geoparse`` files, parse only
  (no download, no harmonization, no load), samples/s in the same run.

``--profile`` samples the load with py-spy (driver and worker processes) and prints where the time
goes. Results replace the ``<!-- bench:metadata_load -->`` section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _bench import REPO, load, machine, run_child, run_python, start_mirror, versions, write_doc

BEGIN, END = "<!-- bench:metadata_load -->", "<!-- /bench:metadata_load -->"
WORK = Path("/tmp/bench-load/metadata")


def _rnacorpus() -> str:
    return str(Path(sys.executable).with_name("rnacorpus"))


# -- children --------------------------------------------------------------------------------------
def _geoparse(paths: list[str]) -> dict[str, Any]:
    import logging
    import tempfile

    import GEOparse

    logging.getLogger("GEOparse").setLevel(logging.ERROR)
    started = time.perf_counter()
    samples = 0
    for path in paths:
        samples += len(GEOparse.get_GEO(filepath=path, silent=True, destdir=tempfile.gettempdir()).gsms)
    return {"seconds": time.perf_counter() - started, "samples": samples}


def _new_catalog(folder: str) -> dict[str, Any]:
    """What a run pays before its first study: ``start_run`` on a new catalog, then on that catalog again."""
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.runs import finish_run
    from rnacorpus.config import Config
    from rnacorpus.pipeline.harvest import start_run

    root = Path(folder)
    config = Config(catalog_path=root / "catalog.duckdb", store_dir=root / "store", cache_dir=root / "cache")
    started, cpu = time.perf_counter(), time.process_time()
    start_run(config, "bench-new", "harvest")
    new, new_cpu = time.perf_counter() - started, time.process_time() - cpu
    size = config.catalog_path.stat().st_size
    with writer(config.catalog_path) as con:  # the run ends as a harvest's would, so the next is a plain start
        finish_run(con, "bench-new", status="ok", counts={}, details={})
    started = time.perf_counter()
    start_run(config, "bench-again", "harvest")
    return {"new": new, "new_cpu": new_cpu, "again": time.perf_counter() - started, "bytes": size}


def _stages(folder: str, batch: int, *paths: str) -> dict[str, Any]:
    """CPU per sample of each step, one process, no HTTP: parse, harmonize (plan), write the load
    package, commit (``batch`` packages per transaction); the collector tuned as a run tunes it."""
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.load import commit_packages
    from rnacorpus.catalog.package import open_package, remove_package, write_package
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.config import Config
    from rnacorpus.fileio import sha256_file
    from rnacorpus.harvester.base import FetchedStudy, StudyRef, get_source
    from rnacorpus.harvester.http import HttpClient
    from rnacorpus.pipeline.executor import collect_less
    from rnacorpus.pipeline.harvest import start_run
    from rnacorpus.pipeline.plan import build_load_plan
    from rnacorpus.schemas import SourceFile

    root = Path(folder)
    config = Config(catalog_path=root / "catalog.duckdb", store_dir=root / "store", cache_dir=root / "cache")
    start_run(config, "bench-stages", "harvest")
    source = get_source("geo", HttpClient(config), config)
    store = ExpressionStore(config.store_dir)
    cpu = dict.fromkeys(("parse", "harmonize", "package", "commit"), 0.0)
    samples, ready = 0, []
    with writer(config.catalog_path) as con, collect_less():
        for k, path in enumerate(paths):
            file = Path(path)
            accession = file.name.split("_", 1)[0]
            size = file.stat().st_size
            item = SourceFile(url=path, path=path, sha256=sha256_file(file), size=size, role="family_soft")
            started = time.process_time()
            bundle = source.parse(FetchedStudy(StudyRef(accession=accession, source="geo"), [item]))
            parsed = time.process_time()
            plan = build_load_plan(bundle, content_sha256=f"bench-{accession}", run_id="bench-stages")
            planned = time.process_time()
            ready.append(write_package(store, plan))
            written = time.process_time()
            if len(ready) == batch or k == len(paths) - 1:
                commit_packages(con, store, [open_package(store, ref) for ref in ready], run_id="bench-stages")
                for ref in ready:
                    remove_package(store, ref.path.rsplit("/", 1)[-1])
                ready = []
            cpu["parse"] += parsed - started
            cpu["harmonize"] += planned - parsed
            cpu["package"] += written - planned
            cpu["commit"] += time.process_time() - written
            samples += len(bundle.samples)
    return {"samples": samples, "batch": batch, "ms_per_sample": {k: 1000 * v / samples for k, v in cpu.items()},
            "catalog_mb": config.catalog_path.stat().st_size / 1024**2}  # fmt: skip


def _harvest_unlimited(accessions: list[str], url: str, folder: Path, workers: int) -> dict[str, Any]:
    """``--no-rate-limit``: the same ``rnacorpus harvest`` through the mirror with ``--rate-limit '*=off'``
    (the archives' politeness limits, e.g. NCBI FTP's 5 requests/s at 3 requests a series, cap a harvest
    of 500-sample series at ~830 samples/s; without them the pipeline's own rate shows)."""
    return _harvest(accessions, url, folder, "--workers", str(workers), "--rate-limit", "*=off")


# -- parent ----------------------------------------------------------------------------------------
def _corpus(series: int, samples: int, seed: int) -> tuple[Path, list[str]]:
    from rnacorpus.harvester.geo.synthetic_series import CorpusSpec, write_metadata_corpus

    spec = CorpusSpec(series, samples, seed)
    folder = WORK / spec.name
    started = time.perf_counter()
    write_metadata_corpus(folder, spec, processes=2)
    print(f"corpus {spec.name}: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return folder, spec.accessions


def _harvest(
    accessions: list[str],
    url: str,
    folder: Path,
    *options: str,
    executor: str = "auto",
    profile: Path | None = None,
    enrich: str = "none",
) -> dict[str, Any]:
    """One ``rnacorpus harvest`` into ``folder`` (a new catalog unless one is there); wall time, RSS.

    ``enrich="none"`` (``RNACORPUS_ENRICH``): GEO alone, the load issue 11 measures; by default a harvest
    also asks ENA and BioSamples about every study (:func:`_enrichment` measures that apart)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = ["--catalog", str(folder / "catalog.duckdb"), "--store", str(folder / "store")]
    command = [_rnacorpus(), "harvest", *accessions, "--mirror", url, *paths, "--cache", str(folder / "cache")]
    command += [*options, "--json"]
    if profile is not None:
        spy = str(Path(sys.executable).with_name("py-spy"))  # `pip install py-spy` into this environment
        command = [spy, "record", "--subprocesses", "--format", "raw", "--rate", "50", "-o", str(profile),
                   "--", *command]  # fmt: skip
    env = {"RNACORPUS_EXECUTOR": executor, **({"RNACORPUS_ENRICH": enrich} if enrich != "default" else {})}
    run = run_child(command, env=env)
    report, _ = json.JSONDecoder().raw_decode(run.output[run.output.index("{") :])  # py-spy may print after it
    assert report["exit_code"] == 0, report
    samples = sum(r["n_samples"] for r in report["results"])
    return {
        "seconds": run.seconds,
        "peak_mb": run.peak_mb,
        "cpu": run.cpu_seconds,
        "samples": samples,
        "studies": len(report["results"]),
    }


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    return folder


def _fixed_cost(accessions: list[str], url: str) -> dict[str, float]:
    """``harvest`` of one series into a new catalog vs of another series into an existing one."""
    new, warm = [], []
    for k in range(3):
        new.append(_harvest(accessions[k : k + 1], url, _fresh(WORK / "run-new"))["seconds"])
        shutil.rmtree(WORK / "run-new" / "cache")  # the next series comes from the mirror too
        warm.append(_harvest(accessions[10 + k : 11 + k], url, WORK / "run-new")["seconds"])
    return {"new": statistics.median(new), "warm": statistics.median(warm)}


def _enrichment(accessions: list[str], url: str) -> dict[str, Any]:
    """The same series harvested GEO-only and with the default enrichment (ENA, then BioSamples)."""
    alone = _harvest(accessions, url, _fresh(WORK / "run-enrich"), "--workers", "1")
    enriched = _harvest(accessions, url, _fresh(WORK / "run-enrich"), "--workers", "1", enrich="default")
    return {"alone": alone, "enriched": enriched}


def _keep(result: dict[str, Any]) -> None:
    """What is measured so far, in case a later step fails (``<work>/result.json``)."""
    (WORK / "result.json").write_text(json.dumps(result, indent=1))


def _catalog_size(folder: Path) -> float:
    return (folder / "catalog.duckdb").stat().st_size / 1024**2


# -- profile ---------------------------------------------------------------------------------------
#: where a sampled stack's time goes: the first of these frames found from the top of the stack down
_CATEGORIES = (
    ("commit (driver: DuckDB transactions)", ("apply_packages", "commit_packages", "_Committer.commit")),
    ("open/verify packages (driver)", ("open_package",)),
    ("write package (worker)", ("write_package",)),
    ("harmonize metadata (worker)", ("harmonize_metadata",)),
    ("harmonize expression (worker)", ("harmonize_expression",)),
    ("parse SOFT (worker)", ("parse", "assemble_bundle")),
    ("fetch: HTTP + raw cache", ("fetch_study",)),
    ("start: catalog, stamps, references", ("start_run",)),
    ("mirror/imports/other", ()),
)


def _summarize_profile(raw: Path) -> list[tuple[str, float]]:
    """Share of samples per category (py-spy raw format: ``frame;frame;… count`` per line)."""
    totals: dict[str, int] = {name: 0 for name, _ in _CATEGORIES}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or "(idle)" in stack:
            continue
        frames = [frame.split(" (", 1)[0] for frame in stack.split(";")]
        for name, keys in _CATEGORIES:
            if not keys or any(key in frames for key in keys):
                totals[name] += int(count)
                break
    total = sum(totals.values()) or 1
    return [(name, 100.0 * n / total) for name, n in totals.items()]


# -- report ----------------------------------------------------------------------------------------
def _section(command: str, result: dict[str, Any]) -> str:
    main = result["load"]
    rate = main["samples"] / main["seconds"]
    geo = result["geoparse"]
    geo_rate = geo["samples"] / geo["seconds"]
    fixed = result["fixed"]
    start = result["start"]
    rows = [
        f"| {label} | {r['studies']} × {r['samples'] // max(r['studies'], 1)} | {r['seconds']:.1f} | "
        f"{r['samples'] / r['seconds']:,.0f} | {r['peak_mb']:.0f} | {r['cpu']:.1f} |"
        for label, r in result["executors"].items()
    ]
    lines = [
        BEGIN,
        "## Metadata load: generated RNA-seq corpus through the mirror",
        "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d')})",
        "",
        f"- Machine: {machine()} (load before {result['load_before']}, after {load()}; shared with other work)",
        f"- Libraries: {versions(['duckdb', 'pyarrow', 'pydantic', 'GEOparse'])}",
        f"- Corpus: `{result['corpus']}` — {main['studies']:,} series, {main['samples']:,} samples "
        "(generated by `rnacorpus.harvester.geo.synthetic_series`, family SOFT gz, no tables), served by "
        "`rnacorpus mirror` in its own process",
        "",
        f"**Load**: `RNACORPUS_ENRICH=none rnacorpus harvest` of {main['samples']:,} samples with {result['workers']} "
        f"into a new catalog: **{main['seconds']:.0f} s, {rate:,.0f} samples/s** (target ≥ 3,500; "
        f"{rate / 3500:.2f}× of it), driver peak RSS {main['peak_mb']:.0f} MB, catalog "
        f"{result['catalog_mb']:.0f} MB. Same run, same files: GEOparse parses them (parse only) at "
        f"{geo_rate:,.0f} samples/s ({geo['samples']:,} samples) — rnacorpus end to end is "
        f"**{rate / geo_rate:.1f}×** GEOparse's parse alone.",
        "",
        f"**Fixed cost of a new catalog**: a one-series harvest takes {fixed['new']:.2f} s into a new catalog "
        f"and {fixed['warm']:.2f} s into an existing one: **{fixed['new'] - fixed['warm']:.2f} s** "
        f"(target < 1 s); a new catalog after its first study is {result['new_catalog_mb']:.1f} MB. Before any "
        f"study (`start_run`: schema, version stamps, reference files installed from the per-machine "
        f"reference cache): {start['new']:.2f} s on a new catalog vs {start['again']:.2f} s on that catalog "
        f"again; the new catalog is **{start['bytes'] / 1024**2:.1f} MB** (target ≤ 10 MB).",
        "",
        "**Executors** (same series, new catalog each; `--workers`/`RNACORPUS_EXECUTOR`):",
        "",
        "| executor | series × samples | seconds | samples/s | driver peak RSS MB | driver CPU s |",
        "|---|---|---:|---:|---:|---:|",
        *rows,
    ]
    stages = result.get("stages")
    if stages:
        parts = list(stages[0]["ms_per_sample"])
        lines += [
            "",
            f"**CPU per sample, step by step** (one process, no HTTP, first {stages[0]['samples']:,} samples; "
            "`--worker stages`): parse SOFT, harmonize (load plan), write the load package, commit "
            "(packages per transaction as given):",
            "",
            "| packages per commit | " + " | ".join(parts) + " | total ms | catalog MB |",
            "|---:|" + "---:|" * (len(parts) + 2),
            *[
                f"| {st['batch']} | "
                + " | ".join(f"{st['ms_per_sample'][p]:.3f}" for p in parts)
                + f" | {sum(st['ms_per_sample'].values()):.3f} | {st['catalog_mb']:.0f} |"
                for st in stages
            ],
        ]
    unlimited = result.get("unlimited")
    if unlimited:
        free = unlimited["samples"] / unlimited["seconds"]
        lines += [
            "",
            f"**Without the archives' rate limits** (`--no-rate-limit`: the same `rnacorpus harvest` of the same "
            f"series through the same mirror with `--rate-limit '*=off'`; a study costs 3 NCBI FTP requests — "
            f"family SOFT, matrix and supplementary listings — and NCBI FTP's 5 requests/s caps the load above "
            f"at ~830 samples/s): "
            f"{unlimited['seconds']:.0f} s, **{free:,.0f} samples/s** ({free / 3500:.2f}× the target; "
            f"{free / rate:.1f}× the rate-limited load), driver peak RSS {unlimited['peak_mb']:.0f} MB, "
            f"driver CPU {unlimited['cpu']:.0f} s.",
        ]
    enrichment = result.get("enrichment")
    if enrichment:
        alone, enriched = enrichment["alone"], enrichment["enriched"]
        lines += [
            "",
            f"**Enrichment** (the harvest default asks ENA and BioSamples about every study; the mirror serves "
            f"no records for these generated samples, so its searches find none): "
            f"{alone['samples']:,} samples in {alone['studies']} series take {alone['seconds']:.1f} s GEO-only and "
            f"{enriched['seconds']:.1f} s enriched (`--workers 1`), **{enriched['seconds'] / alone['seconds']:.1f}×** "
            "(BioSamples asked by accession block, paced by the EBI rate limit; "
            "`bench_enrichment.py` counts requests).",
        ]
    if result.get("profile"):
        lines += ["", "**Where the time goes** (py-spy, driver and workers, share of CPU samples):", ""]
        lines += ["| part | share |", "|---|---:|"]
        lines += [f"| {name} | {share:.0f} % |" for name, share in result["profile"]]
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", type=int, default=40, help="series for the executor comparison")
    parser.add_argument("--geoparse", type=int, default=10, help="files GEOparse parses for the baseline")
    parser.add_argument("--enrichment", type=int, default=1, help="series harvested with and without enrichment")
    parser.add_argument("--stages", type=int, default=40, help="series for the per-step CPU (one process)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-rate-limit", action="store_true", help="also load with --rate-limit '*=off'")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        if args.worker[0] == "stages":
            work = _stages(args.worker[1], int(args.worker[2]), *args.worker[3:])
        elif args.worker[0] == "new-catalog":
            work = _new_catalog(args.worker[1])
        else:
            work = _geoparse(args.worker[1:])
        print(json.dumps(work))
        return
    load_before = load()
    corpus, accessions = _corpus(args.series, args.samples, args.seed)
    mirror, url = start_mirror(corpus)
    try:
        result: dict[str, Any] = {
            "corpus": corpus.name,
            "load_before": load_before,
            "workers": f"--workers {args.workers}",
        }
        stage_files = [str(corpus / f"{acc}_family.soft.gz") for acc in accessions[: args.stages]]
        result["stages"] = [
            run_python(__file__, "--worker", "stages", str(_fresh(WORK / "run-stages")), str(batch), *stage_files)[0]
            for batch in (1, 10)
        ]
        files = [str(corpus / f"{acc}_family.soft.gz") for acc in accessions[: args.geoparse]]
        result["geoparse"], _ = run_python(__file__, "--worker", "geoparse", *files)
        _keep(result)
        result["start"], _ = run_python(__file__, "--worker", "new-catalog", str(_fresh(WORK / "run-start")))
        result["fixed"] = _fixed_cost(accessions, url)
        result["new_catalog_mb"] = _catalog_size(WORK / "run-new")
        _keep(result)
        compare = accessions[: args.compare]
        result["executors"] = {
            "1 worker (build thread)": _harvest(compare, url, _fresh(WORK / "run-cmp"), "--workers", "1"),
            "2 worker threads": _harvest(compare, url, _fresh(WORK / "run-cmp"), "--workers", "2", executor="threads"),
            "2 worker processes": _harvest(
                compare, url, _fresh(WORK / "run-cmp"), "--workers", "2", executor="processes"
            ),
        }
        _keep(result)
        if args.enrichment:
            result["enrichment"] = _enrichment(accessions[20 : 20 + args.enrichment], url)
        _keep(result)
        profile = WORK / "profile.txt" if args.profile else None
        result["load"] = _harvest(accessions, url, _fresh(WORK / "run-load"), "--workers", str(args.workers),
                                  profile=profile)  # fmt: skip
        result["catalog_mb"] = _catalog_size(WORK / "run-load")
        if args.no_rate_limit:
            result["unlimited"] = _harvest_unlimited(accessions, url, _fresh(WORK / "run-load"), args.workers)
        if profile is not None:
            result["profile"] = _summarize_profile(profile)
    finally:
        mirror.terminate()
        mirror.wait(timeout=30)
    command = f"python benchmarks/bench_metadata_load.py --series {args.series} --samples {args.samples} " + (
        f"--workers {args.workers} --compare {args.compare} --geoparse {args.geoparse} --enrichment {args.enrichment} "
        f"--stages {args.stages}"
        + (" --profile" if args.profile else "")
        + (" --no-rate-limit" if args.no_rate_limit else "")
    )
    section = _section(command, result)
    print(section)
    if not args.no_docs:
        write_doc(BEGIN, END, section)
    # the corpus stays for the next run
    for name in ("run-load", "run-cmp", "run-new", "run-start", "run-enrich", "run-stages"):
        shutil.rmtree(WORK / name, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
