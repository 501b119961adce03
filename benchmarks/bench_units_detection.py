"""Evaluation: unit detection on generated matrices of every unit, z-scores and row-centred included.

Run: ``python benchmarks/bench_units_detection.py [--per-kind 200] [--seed 31] [--edges] [--json]``

Draws ``--per-kind`` matrices of each kind of :mod:`tests.harmonize.unit_matrices` (the property
tests' generators: counts, CPM, TPM, FPKM, RMA, MAS5 and their logs in every base, rounded to a few
decimals, per-gene z-scores, gene-centred logs) with parameters drawn from a fixed seed, calls
:func:`~rnacorpus.harmonize.units.detect_units_in_values` on each and prints, per unit, the share
of matrices whose every column got the unit (and log flag) they were made in — target 100% — with
the median and worst detection time per matrix (wall, generation excluded) and, for every miss,
the parameters that replay it (``tests.harmonize.unit_matrices.draw``).

Default ranges are the property tests': 2,000–25,000 genes, 1–4 samples (3–16 for whole-matrix
kinds), up to 2% empty cells. ``--edges`` reaches past them: 2 samples, 500–60,000 genes, up to 30%
empty cells, libraries scaled 0.05–100× (a few thousand to tens of millions of reads) and gene
abundances shifted down to 20× lower (heavy zeros).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rnacorpus.harmonize.units import detect_units_in_values  # noqa: E402
from tests.harmonize.unit_matrices import GENERATORS, MATRIX_GENERATORS, draw  # noqa: E402


@dataclass(frozen=True)
class Draw:
    kind: str
    seed: int
    n_genes: int
    n_samples: int
    missing: float
    depth: float = 1.0
    shift: float = 0.0


def parameters(kind: str, rng: np.random.Generator, *, edges: bool) -> Draw:
    """One matrix's parameters: the property tests' ranges, or past them with ``edges``."""
    seed = int(rng.integers(0, 2**32 - 1))
    whole_matrix = kind in MATRIX_GENERATORS
    if not edges:
        n_samples = int(rng.integers(3, 17)) if whole_matrix else int(rng.integers(1, 5))
        return Draw(kind, seed, int(rng.integers(2_000, 25_001)), n_samples, float(rng.uniform(0, 0.02)))
    n_genes = int(np.exp(rng.uniform(np.log(500), np.log(60_000))))
    n_samples = int(rng.choice([3, 4, 8])) if whole_matrix else 2
    depth = float(np.exp(rng.uniform(np.log(0.05), np.log(100))))
    shift = float(rng.uniform(-3, 0))
    return Draw(kind, seed, n_genes, n_samples, float(rng.uniform(0, 0.3)), depth, shift)


def evaluate(d: Draw) -> tuple[bool, float, str, str]:
    """Whether every column was called right, the detection time, the worst call and its evidence."""
    values, unit, is_log = draw(d.kind, d.seed, d.n_genes, d.n_samples, d.missing, depth=d.depth, shift=d.shift)
    started = time.perf_counter()
    calls = detect_units_in_values(values, [f"S{i}" for i in range(d.n_samples)])
    seconds = time.perf_counter() - started
    wrong = [c for c in calls if (c.unit, c.is_log) != (unit, is_log)]
    worst = wrong[0] if wrong else calls[0]
    return not wrong, seconds, f"{worst.unit}{' (log)' if worst.is_log else ''}", worst.evidence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=200, help="matrices drawn per kind (default 200)")
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--edges", action="store_true", help="draw past the property tests' ranges")
    parser.add_argument("--kinds", nargs="*", help="only these kinds")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    kinds = args.kinds or sorted(GENERATORS) + sorted(MATRIX_GENERATORS)
    evaluate(Draw("rma", 0, 2_000, 2, 0.0))  # imports and first-call costs stay out of the timings
    rng = np.random.default_rng(args.seed)
    per_unit: dict[str, list[bool]] = defaultdict(list)
    per_kind: dict[str, dict[str, object]] = {}
    misses: list[dict[str, object]] = []
    for kind in kinds:
        times, hits = [], 0
        for _ in range(args.per_kind):
            d = parameters(kind, rng, edges=args.edges)
            ok, seconds, called, evidence = evaluate(d)
            unit = "centered" if kind in MATRIX_GENERATORS else GENERATORS[kind][1]
            per_unit[unit].append(ok)
            times.append(seconds)
            hits += ok
            if not ok:
                misses.append({**asdict(d), "called": called, "evidence": evidence})
        per_kind[kind] = {
            "rate": hits / args.per_kind,
            "median_ms": 1e3 * statistics.median(times),
            "max_ms": 1e3 * max(times),
        }
        if not args.json:
            print(
                f"{kind:18s} {hits:5d}/{args.per_kind:<5d} {100 * hits / args.per_kind:6.2f}%  "
                f"median {per_kind[kind]['median_ms']:7.2f} ms  max {per_kind[kind]['max_ms']:7.2f} ms",
                flush=True,
            )
    rates = {unit: sum(oks) / len(oks) for unit, oks in sorted(per_unit.items())}
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.json:
        report = {"per_unit": rates, "per_kind": per_kind, "misses": misses, "load": load, "edges": args.edges}
        print(json.dumps(report, indent=1))
        return
    print("\nper unit: " + ", ".join(f"{unit} {100 * rate:.2f}%" for unit, rate in rates.items()))
    print(f"load average {load}; {len(misses)} misses")
    for miss in misses:
        print(json.dumps(miss))


if __name__ == "__main__":
    main()
