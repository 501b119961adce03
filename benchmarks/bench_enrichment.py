"""Enrichment cost: a harvest with the default enrichment (ENA, BioSamples) vs GEO alone, through the mirror.

    python benchmarks/bench_enrichment.py [--samples 500] [--series 20] [--no-docs]

A generated RNA-seq corpus (:mod:`rnacorpus.harvester.geo.synthetic_series`) and the BioSamples
record of every sample (:mod:`rnacorpus.harvester.biosamples.synthetic`) are served by the mirror, in
this process, counting the requests it answers per archive. ``rnacorpus harvest`` runs as a child
with the archives' real rate limits (BioSamples and ENA 10 requests/s, E-utilities 3/s), into a new
catalog each time:

* **one series** of ``--samples`` samples, ``--workers 1``: GEO alone (``RNACORPUS_ENRICH=none``, the
  baseline), the default enrichment asking by accession block (the default), and the default
  enrichment asking one request per BioSample (``RNACORPUS_BATCH_LOOKUPS=0``, how it asked before);
* **a corpus** of ``--series`` series × ``--samples``, ``--workers 2``: GEO alone vs the default
  enrichment (batched). One by one it would cost ``series × samples`` BioSamples requests at 10/s,
  computed from the one-series run rather than waited for.

Ratios are against GEO alone measured in the same run; ``uptime`` load is recorded before and after.
Writes ``<!-- bench:enrichment -->`` in docs/benchmarks.md unless ``--no-docs``. Work folder:
``$RNACORPUS_BENCH_DIR`` or /tmp/bench-sources (the corpus is kept for the next run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks._bench import load, machine, run_child, write_doc  # noqa: E402

WORK = Path(os.environ.get("RNACORPUS_BENCH_DIR", "/tmp/bench-sources"))
BEGIN, END = "<!-- bench:enrichment -->", "<!-- /bench:enrichment -->"
FIRST_SERIES = 20  # the series bench_metadata_load's enrichment step used


def _corpus(series: int, samples: int) -> tuple[Path, list[str]]:
    from rnacorpus.harvester.biosamples.synthetic import write_biosample_records
    from rnacorpus.harvester.geo.synthetic_series import metadata_series
    from rnacorpus.harvester.geo.writer import write_family_soft

    folder = WORK / f"enrichment-corpus-{series}x{samples}"
    folder.mkdir(parents=True, exist_ok=True)
    accessions = []
    for index in range(FIRST_SERIES, FIRST_SERIES + series):
        bundle = metadata_series(index, n_samples=samples)
        soft = folder / f"{bundle.study.accession}_family.soft.gz"
        if not soft.exists():  # written last: a series whose SOFT exists has its records too
            write_biosample_records(folder, bundle)
            write_family_soft(bundle, soft)
        accessions.append(bundle.study.accession)
    return folder, accessions


def _archive(path: str) -> str:
    if path.startswith("/biosamples/samples/"):
        return "biosamples (one record)"
    if path.rstrip("/") == "/biosamples/samples":
        return "biosamples (search page)"
    if path.startswith("/ena/"):
        return "ena"
    return "geo / e-utilities"


def _harvest(
    url: str, accessions: list[str], name: str, counts: Counter[str], workers: int, **env: str
) -> dict[str, Any]:
    folder = WORK / f"run-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    command = [str(Path(sys.executable).with_name("rnacorpus")), "harvest", *accessions, "--mirror", url,
               "--catalog", str(folder / "catalog.duckdb"), "--store", str(folder / "store"),
               "--cache", str(folder / "cache"), "--workers", str(workers), "--json"]  # fmt: skip
    counts.clear()
    before = load()
    run = run_child(command, env={"RNACORPUS_EXECUTOR": "threads" if workers == 1 else "auto", **env})
    report = json.loads(run.output[run.output.index("{") :])
    assert report["exit_code"] == 0, report
    with_characteristics = _external_samples(folder / "catalog.duckdb")
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "seconds": run.seconds,
        "cpu": run.cpu_seconds,
        "samples": sum(r["n_samples"] for r in report["results"]),
        "requests_by_archive": _by_archive(counts),
        "enriched_samples": with_characteristics,
        "load": f"{before} → {load()}",
    }


def _by_archive(counts: Counter[str]) -> dict[str, int]:
    out: Counter[str] = Counter()
    for path, n in counts.items():
        out[_archive(path)] += n
    return dict(sorted(out.items()))


def _external_samples(catalog: Path) -> int:
    import duckdb

    con = duckdb.connect(str(catalog), read_only=True)
    try:
        row = con.execute("SELECT count(DISTINCT sample_accession) FROM external_characteristics").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


def _row(label: str, run: dict[str, Any], baseline: dict[str, Any]) -> str:
    asked = run["requests_by_archive"]
    biosamples = asked.get("biosamples (one record)", 0) + asked.get("biosamples (search page)", 0)
    return (
        f"| {label} | {run['samples']:,} | {run['seconds']:.1f} | {run['seconds'] / baseline['seconds']:.2f}× | "
        f"{run['cpu']:.1f} | {biosamples:,} | {asked.get('ena', 0)} | {run['enriched_samples']:,} | {run['load']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--series", type=int, default=20)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--render", type=Path, help="only write the block from a saved enrichment-result.json")
    args = parser.parse_args()
    if args.render:
        section = _section(args, json.loads(args.render.read_text()))
        print(section)
        if not args.no_docs:
            write_doc(BEGIN, END, section)
        return

    from rnacorpus.mirror import MirrorServer

    WORK.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    corpus, accessions = _corpus(args.series, args.samples)
    counts: Counter[str] = Counter()
    with MirrorServer(corpus) as server:
        handle = server.router.handle

        def counting(path: str, params: dict[str, str]) -> Any:
            counts[path] += 1
            return handle(path, params)

        server.router.handle = counting  # type: ignore[method-assign]
        one = accessions[:1]
        _harvest(server.url, one, "warm-up", counts, 1, RNACORPUS_ENRICH="none")  # first start: disk caches
        runs = {
            "alone": _harvest(server.url, one, "alone", counts, 1, RNACORPUS_ENRICH="none"),
            "batched": _harvest(server.url, one, "batched", counts, 1),
            "one_by_one": _harvest(server.url, one, "one-by-one", counts, 1, RNACORPUS_BATCH_LOOKUPS="0"),
        }
        if args.series > 1:
            runs["corpus_alone"] = _harvest(server.url, accessions, "corpus-alone", counts, 2, RNACORPUS_ENRICH="none")
            runs["corpus_batched"] = _harvest(server.url, accessions, "corpus-batched", counts, 2)
    runs["measured"] = f"{started:%Y-%m-%d %H:%M}–{dt.datetime.now(dt.UTC):%H:%M} UTC"
    (WORK / "enrichment-result.json").write_text(json.dumps(runs, indent=1))
    section = _section(args, runs)
    print(section)
    if not args.no_docs:
        write_doc(BEGIN, END, section)


def _section(args: argparse.Namespace, runs: dict[str, Any]) -> str:
    header = ("| harvest | samples | seconds | vs GEO alone | CPU s (harvest process) | BioSamples requests | "
              "ENA requests | samples given BioSamples characteristics | load (before → after) |")  # fmt: skip
    lines = [
        BEGIN,
        "## Enrichment: the default harvest (ENA, BioSamples) vs GEO alone (`benchmarks/bench_enrichment.py`)",
        "",
        f"Command: `flock /work/bench.lock python benchmarks/bench_enrichment.py --samples {args.samples} "
        f"--series {args.series}` ({runs.get('measured', 'date not recorded')})",
        "",
        f"- Machine: {machine()}; shared, so read the same-run ratios and the request counts.",
        f"- Corpus: generated RNA-seq series of {args.samples} samples (`synthetic_series`, from series "
        f"{FIRST_SERIES}), each sample's BioSamples record held by the mirror (`biosamples/synthetic.py`); "
        "the mirror runs in the benchmark's process and counts the requests it answers. The harvest uses the "
        "archives' real rate limits (BioSamples and ENA 10 requests/s).",
        "",
        header,
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        _row("one series, GEO alone (`RNACORPUS_ENRICH=none`)", runs["alone"], runs["alone"]),
        _row("one series, default enrichment, by accession block", runs["batched"], runs["alone"]),
        _row("one series, default enrichment, one request per BioSample", runs["one_by_one"], runs["alone"]),
    ]
    if "corpus_alone" in runs:
        alone, batched = runs["corpus_alone"], runs["corpus_batched"]
        lines += [
            _row(f"{args.series} series, GEO alone, `--workers 2` (worker processes' CPU not counted)", alone, alone),
            _row(f"{args.series} series, default enrichment, `--workers 2`", batched, alone),
        ]
        per_sample = runs["one_by_one"]["seconds"] - runs["alone"]["seconds"]
        asked = sum(v for k, v in batched["requests_by_archive"].items() if k.startswith("biosamples"))
        lines += [
            "",
            f"One request per BioSample would add about {per_sample:.0f} s per {args.samples}-sample series "
            f"(the one-series row), ≈ {per_sample * args.series / 60:.0f} min for these {args.series} series and "
            f"≈ {per_sample / args.samples * 1e6 / 3600:.0f} h for 1,000,000 samples; by accession block the whole "
            f"{args.series}-series corpus asked BioSamples {asked} times. That is the floor left: at "
            f"{asked / batched['samples'] * 1e6:,.0f} BioSamples requests per 1,000,000 samples (and one ENA "
            f"request per series), EBI's 10 requests/s alone take "
            f"≈ {asked / batched['samples'] * 1e6 / 10 / 60:.0f} min per 1,000,000 samples — the whole harvest's "
            "request budget, not CPU; the corpus run's extra seconds over GEO alone are consistent with that wait "
            "(partly overlapped with the other series' work; not profiled).",
        ]
    lines += [
        "",
        "Before this change (the `metadata_load` block above, 2026-12-06 00:10 UTC, load 20, BioSamples "
        "answering 404 for every generated sample): one 500-sample series took 11.6 s GEO alone and 69.6 s "
        "with the default enrichment (6.0×), 500 BioSamples requests. The one-request-per-BioSample row "
        "above is that way of asking, measured again in this run with the records held.",
    ]
    lines.append(END)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
