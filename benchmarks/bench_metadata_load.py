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
goes. Results replace the ``<!-- bench:metadata_load -->`` section of ``docs/benchmarks.md``. The
in-process measurements are in ``metadata_load_workers.py``, the report in ``metadata_load_report.py``.
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

from _bench import REPO, load, run_child, run_python, start_mirror, write_doc
from metadata_load_report import BEGIN, END, report_section, summarize_profile
from metadata_load_workers import geoparse_parse, new_catalog_start, stage_cpu

WORK = Path("/tmp/bench-load/metadata")


def _rnacorpus() -> str:
    return str(Path(sys.executable).with_name("rnacorpus"))


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


def _harvest_unlimited(accessions: list[str], url: str, folder: Path, workers: int) -> dict[str, Any]:
    """``--no-rate-limit``: the same ``rnacorpus harvest`` through the mirror with ``--rate-limit '*=off'``
    (the archives' politeness limits, e.g. NCBI FTP's 5 requests/s at 3 requests a series, cap a harvest
    of 500-sample series at ~830 samples/s; without them the pipeline's own rate shows)."""
    return _harvest(accessions, url, folder, "--workers", str(workers), "--rate-limit", "*=off")


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
    parser.add_argument(
        "--unlimited-only",
        action="store_true",
        help="only the --rate-limit '*=off' load of the whole corpus (e.g. 2,000 x 500 = 1M samples); prints, no docs",
    )
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        if args.worker[0] == "stages":
            work = stage_cpu(args.worker[1], int(args.worker[2]), *args.worker[3:])
        elif args.worker[0] == "new-catalog":
            work = new_catalog_start(args.worker[1])
        else:
            work = geoparse_parse(args.worker[1:])
        print(json.dumps(work))
        return
    # the fixed-cost runs take series 1-3 and 11-13; the enrichment runs the series from 21 on
    needed = max(13, 20 + args.enrichment if args.enrichment else 0)
    if args.series < needed:
        parser.error(f"--series {args.series} is too few for these options: at least {needed} are used")
    load_before = load()
    corpus, accessions = _corpus(args.series, args.samples, args.seed)
    mirror, url = start_mirror(corpus)
    if args.unlimited_only:  # the 1M-sample load of issue 11 at its own size, without the other parts
        try:
            run = _harvest_unlimited(accessions, url, _fresh(WORK / "run-load"), args.workers)
            run["catalog_mb"] = _catalog_size(WORK / "run-load")
        finally:
            mirror.terminate()
            mirror.wait(timeout=30)
            shutil.rmtree(WORK / "run-load", ignore_errors=True)
        rate = run["samples"] / run["seconds"]
        print(json.dumps({**run, "samples_per_s": rate, "load_before": load_before, "load_after": load()}))
        print(
            f"{run['samples']:,} samples in {run['studies']:,} series, --workers {args.workers}, --rate-limit '*=off': "
            f"{run['seconds']:.0f} s, {rate:,.0f} samples/s ({rate / 3500:.2f}x the 3,500/s target), "
            f"driver peak RSS {run['peak_mb']:,.0f} MB, catalog {run['catalog_mb']:,.0f} MB"
        )
        return
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
            result["profile"] = summarize_profile(profile)
    finally:
        mirror.terminate()
        mirror.wait(timeout=30)
    command = f"python benchmarks/bench_metadata_load.py --series {args.series} --samples {args.samples} " + (
        f"--workers {args.workers} --compare {args.compare} --geoparse {args.geoparse} --enrichment {args.enrichment} "
        f"--stages {args.stages}"
        + (" --profile" if args.profile else "")
        + (" --no-rate-limit" if args.no_rate_limit else "")
    )
    section = report_section(command, result)
    print(section)
    if not args.no_docs:
        write_doc(BEGIN, END, section)
    # the corpus stays for the next run
    for name in ("run-load", "run-cmp", "run-new", "run-start", "run-enrich", "run-stages"):
        shutil.rmtree(WORK / name, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
