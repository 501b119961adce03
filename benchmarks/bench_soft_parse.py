"""Benchmark: our streaming family-SOFT parser vs GEOparse on the same synthetic GEO series.

    python benchmarks/bench_soft_parse.py [--samples 200 --probes 22283 --repeat 3 --large --no-docs]

A realistic family SOFT (one Affymetrix-like platform with its annotation table, N samples × M
probes, gzip) is written with rnacorpus's own writer into a temporary folder. Each parser then runs
in a fresh subprocess (so imports and memory are measured the same way for both); wall time is
taken inside the child around the parse call only, peak memory is the child's maximum resident set
size from ``os.wait4``. A child that only imports the parser gives the baseline memory of the
libraries. Both children report a checksum of the values they read, which must agree.
The results table replaces the ``<!-- bench:soft_parse -->`` section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _bench import DOC, REPO, load, machine, run_python, versions, write_doc

BEGIN, END = "<!-- bench:soft_parse -->", "<!-- /bench:soft_parse -->"


def _worker(kind: str, path: str) -> dict[str, Any]:
    """Runs in the child: parse once and report what was read."""
    if kind == "ours":
        from rnacorpus.harvester.geo.soft import parse_family_soft

        started = time.perf_counter()
        bundle = parse_family_soft(path)
        seconds = time.perf_counter() - started
        import numpy as np

        matrix = bundle.expression[0]
        checksum = 0.0
        for chunk in matrix.chunks():  # chunk by chunk: the checksum must not hold the matrix either
            checksum += sum(float(np.nansum(row, dtype=np.float64)) for row in chunk.values)
        return {
            "seconds": seconds,
            "samples": len(bundle.samples),
            "features": len(matrix.feature_ids),
            "checksum": checksum,
        }
    if kind == "geoparse":
        import logging

        import GEOparse
        import numpy as np

        logging.getLogger("GEOparse").setLevel(logging.ERROR)
        started = time.perf_counter()
        gse = GEOparse.get_GEO(filepath=path, silent=True, destdir=tempfile.gettempdir())
        seconds = time.perf_counter() - started
        total = sum(
            float(np.nansum(np.asarray(g.table["VALUE"], dtype=np.float64).astype(np.float32), dtype=np.float64))
            for g in gse.gsms.values()
        )
        features = max(len(g.table) for g in gse.gsms.values())
        return {"seconds": seconds, "samples": len(gse.gsms), "features": features, "checksum": total}
    if kind == "ours-import":
        import rnacorpus.harvester.geo.soft  # noqa: F401
    elif kind == "geoparse-import":
        import GEOparse
    return {"seconds": 0.0}


def _generate(path: Path, samples: int, probes: int, seed: int) -> None:
    from rnacorpus.harvester.geo.synthetic import synthetic_array_study
    from rnacorpus.harvester.geo.writer import write_family_soft

    write_family_soft(synthetic_array_study(n_samples=samples, n_probes=probes, seed=seed), path)


def _run_child(kind: str, path: Path) -> dict[str, Any]:
    """One fresh interpreter per measurement; peak RSS of exactly that child from wait4."""
    result, peak_mb = run_python(__file__, "--worker", kind, str(path))
    result["peak_mb"] = peak_mb
    return result


def _measure(kind: str, path: Path, repeat: int) -> dict[str, Any]:
    runs = [_run_child(kind, path) for _ in range(repeat)]
    best = dict(runs[0])
    best["seconds"] = statistics.median(run["seconds"] for run in runs)
    best["peak_mb"] = max(run["peak_mb"] for run in runs)
    return best


def _rows(result: dict[str, Any]) -> list[str]:
    ours, theirs = result["ours"], result["geoparse"]
    ours_extra = ours["peak_mb"] - result["base_ours"]["peak_mb"]
    theirs_extra = theirs["peak_mb"] - result["base_geoparse"]["peak_mb"]
    shape = f"{ours['samples']} × {ours['features']:,} ({result['size_mb']:.1f} MB gz)"
    return [
        f"| {shape} | rnacorpus `parse_family_soft` | {ours['seconds']:.2f} | {ours['peak_mb']:.0f} | "
        f"{ours_extra:.0f} |",
        f"| {shape} | GEOparse `get_GEO(filepath=…)` | {theirs['seconds']:.2f} | {theirs['peak_mb']:.0f} | "
        f"{theirs_extra:.0f} |",
        f"| {shape} | **ratio GEOparse / rnacorpus** | **{theirs['seconds'] / ours['seconds']:.1f}×** | "
        f"**{theirs['peak_mb'] / ours['peak_mb']:.1f}×** | **{theirs_extra / max(ours_extra, 1.0):.1f}×** |",
    ]


def _section(command: str, results: list[dict[str, Any]]) -> str:
    first = results[0]
    return "\n".join(
        [
            BEGIN,
            "## Family SOFT parsing: rnacorpus vs GEOparse",
            "",
            f"Command: `{command}` ({time.strftime('%Y-%m-%d')})",
            "",
            f"- Machine: {machine()} (load {load()})",
            f"- Libraries: {versions(['GEOparse', 'pandas', 'pyarrow', 'numpy'])}",
            "- Input: synthetic family SOFT written by `rnacorpus.harvester.geo.writer` (one Affymetrix-like "
            "platform with its annotation table; samples × probes below), gzip",
            "- Each parser runs in its own fresh subprocess; time is the parse call only (median of the "
            "repeats), peak RSS is the child's maximum resident set (`os.wait4`); import-only baseline "
            f"{first['base_ours']['peak_mb']:.0f} MB (rnacorpus) and "
            f"{first['base_geoparse']['peak_mb']:.0f} MB (GEOparse).",
            "- Both parsers read the same values in every run (checksums of all VALUE cells agree).",
            "",
            "| input (samples × probes) | parser | seconds | peak RSS MB | RSS above import MB |",
            "|---|---|---:|---:|---:|",
            *[row for result in results for row in _rows(result)],
            END,
        ]
    )


def _benchmark(folder: Path, samples: int, probes: int, seed: int, repeat: int) -> dict[str, Any]:
    # GEOparse tells record types apart by the file name's prefix, so name it like GEO does
    path = folder / f"GSE990001_{samples}x{probes}_family.soft.gz"
    # Generated in a child too: this process must stay small, because a child's peak RSS
    # includes the parent's pages it was forked from.
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--generate",
            str(path),
            "--samples",
            str(samples),
            "--probes",
            str(probes),
            "--seed",
            str(seed),
        ],
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    result: dict[str, Any] = {
        "size_mb": path.stat().st_size / 1e6,
        "base_ours": _run_child("ours-import", path),
        "base_geoparse": _run_child("geoparse-import", path),
        "ours": _measure("ours", path, repeat),
        "geoparse": _measure("geoparse", path, repeat),
    }
    ours, theirs = result["ours"], result["geoparse"]
    if (ours["samples"], ours["features"]) != (theirs["samples"], theirs["features"]):
        raise SystemExit(f"the parsers disagree on the shape: {ours} vs {theirs}")
    if abs(ours["checksum"] - theirs["checksum"]) > 1e-6 * max(abs(theirs["checksum"]), 1.0):
        raise SystemExit(f"the parsers disagree on the values: {ours['checksum']} vs {theirs['checksum']}")
    path.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--probes", type=int, default=22283)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--large", action="store_true", help="also run 500 × 54,675 (a GPL570-sized series)")
    parser.add_argument("--no-docs", action="store_true", help="print the table, do not touch docs/benchmarks.md")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(*args.worker)))
        return
    if args.generate:
        _generate(Path(args.generate), args.samples, args.probes, args.seed)
        return
    sizes = [(args.samples, args.probes)] + ([(500, 54675)] if args.large else [])
    with tempfile.TemporaryDirectory(prefix="bench-soft-") as folder:
        results = [_benchmark(Path(folder), n, m, args.seed, args.repeat) for n, m in sizes]
    command = (
        f"python benchmarks/bench_soft_parse.py --samples {args.samples} --probes {args.probes} "
        f"--repeat {args.repeat}" + (" --large" if args.large else "")
    )
    section = _section(command, results)
    print(section)
    if not args.no_docs:
        write_doc(BEGIN, END, section)
        print(f"\nwritten to {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
