"""The export benchmark's report: the header every section shares and the export table with its targets.

Each section of ``docs/benchmarks.md`` names its command, machine, date and ``uptime`` load at its
start and end (:func:`header`); :func:`export_table` turns the export runs into the table against
the floor and the verdicts on issue 13's targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

import _bench

OPTIONS_TEXT = "--genes protein_coding --normalize log1p_tpm --splits train=0.8,validation=0.1,test=0.1"


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


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}"


def export_table(
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
        # imported here, not at the top: every measuring child imports this module, and the floor's
        # child must not carry rnacorpus's imports in its RSS
        from rnacorpus.catalog.export_options import ExportOptions

        default = ExportOptions().compression
        labels = [("bare DuckDB scan (floor)", "scan"), (f"rnacorpus export (default: {default})", "export")]
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
                f"| {n:,} | {corpus} | {label}{extra} | {r['seconds']:.1f} ({runs}) | {cpu_text(r)} | "
                f"{rate(n, r['seconds'])} | {r['peak_rss_mib']:.0f} ({', '.join(f'{m:.0f}' for m in r['rss_runs'])}; "
                f"{r['start_rss_mib']:.0f}) | **{ratio:.2f}×** |"
            )
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in export.get("cpu_seconds", {}).items())
        lines.append(
            f"| | | export output: {export['features']:,} features, {export['out_bytes'] / 1024**3:.2f} GiB, "
            f"splits {export['splits']}; CPU by writer stage: {stages} (the rest: planning, DuckDB, "
            "samples.parquet, the parts' disk flushes) | | | | | |"
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
        removal = best["export"].get("removal_seconds", 0.0)
        with_removal = best["scan"]["seconds"] / (best["export"]["seconds"] + removal)
        lines.append(
            f"- export ≥ 0.5× the bare scan at {n:,} samples: {ratio:.2f}× — {verdict} (the call, until the new "
            f"export is in place; the replaced export's removal went on {removal:.2f} s after it returned: "
            f"{with_removal:.2f}× with it counted)"
        )
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


def cpu_text(run: dict[str, Any]) -> str:
    return f"{run['cpu']:.1f}" if "cpu" in run else "–"
