"""The ``docs/benchmarks.md`` section of ``bench_harvest_soft.py``: its tables and sentences.

``bench_harvest_soft.py`` measures (each step a fresh subprocess) and hands the results here; this
module only formats them — the per-file step table against the isal decompression floor, the
interleaved floor pairs and harvest/GEOparse pairs with their wall and CPU ratios, the harvest's
per-step times and the optional profile.
"""

from __future__ import annotations

import time
from typing import Any

from _bench import load, machine, versions

__all__ = ["BEGIN", "END", "floor_text", "section_text"]

BEGIN, END = "<!-- bench:harvest_soft -->", "<!-- /bench:harvest_soft -->"


def _fmt_row(
    name: str, seconds: float, floor: float, peak: float | None, cpu: tuple[float, float] | None = None
) -> str:
    """``cpu``: (CPU seconds of the step, CPU seconds of the floor), all threads of the process."""
    peak_text = f"{peak:,.0f}" if peak is not None else "—"
    cpu_text = f"{cpu[0]:.2f} ({cpu[0] / cpu[1]:.1f}×)" if cpu is not None else "—"
    return f"| {name} | {seconds:.2f} | {seconds / floor:.1f}× | {cpu_text} | {peak_text} |"


def _floor_table(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    """Each interleaved (isal decompression, parse + units) pair with its wall and CPU ratios."""
    lines = [
        "Interleaved floor pairs (isal decompression, then parse + units, each in a fresh process; load "
        "when the pair started):",
        "",
        "| pair | load | isal wall s | isal CPU s | parse + units wall s | parse + units CPU s | wall ratio "
        "| CPU ratio |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    walls, cpus = [], []
    for number, (floor, parsed) in enumerate(pairs, start=1):
        wall, cpu = parsed["parse"] + parsed["units"], parsed["parse_cpu"] + parsed["units_cpu"]
        walls.append(wall / floor["seconds"])
        cpus.append(cpu / floor["cpu"])
        lines.append(
            f"| {number} | {floor['load'].split(',')[0]} | {floor['seconds']:.2f} | {floor['cpu']:.2f} | "
            f"{wall:.2f} | {cpu:.2f} | **{walls[-1]:.1f}×** | **{cpus[-1]:.1f}×** |"
        )
    walls.sort()
    cpus.sort()
    lines += [
        "",
        f"Across {len(pairs)} pair(s): wall ratio {walls[0]:.1f}–{walls[-1]:.1f}× (median "
        f"{walls[(len(walls) - 1) // 2]:.1f}×), CPU ratio {cpus[0]:.1f}–{cpus[-1]:.1f}× (median "
        f"{cpus[(len(cpus) - 1) // 2]:.1f}×). The floor and parse rows above are the median pair's.",
        "",
    ]
    return lines


def floor_text(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    """``--floor-only``: the floor pairs' table and each pair's parse CPU by thread."""
    lines = _floor_table(pairs)
    for number, (_, parsed) in enumerate(pairs, start=1):
        threads = parsed.get("parse_threads") or {}
        cells = ", ".join(f"{name} {seconds:.2f}" for name, (_, seconds) in threads.items())
        lines.append(f"- pair {number}: parse {parsed['parse']:.2f} s wall, {parsed['parse_cpu']:.2f} CPU-s ({cells})")
    return lines


def _pairs_table(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    """Each interleaved pair: harvest and GEOparse wall and CPU, and GEOparse's figure over ours."""
    lines = [
        "Interleaved pairs (harvest, then GEOparse; load average when each started):",
        "",
        "| pair | load at start | harvest wall s | harvest CPU s | GEOparse wall s | GEOparse CPU s "
        "| wall ratio | CPU ratio |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for number, (harvest, geo) in enumerate(pairs, start=1):
        lines.append(
            f"| {number} | {harvest['load'].split(',')[0]} / {geo['load'].split(',')[0]} | "
            f"{harvest['seconds']:.2f} | {harvest['cpu']:.2f} | {geo['seconds']:.2f} | {geo['cpu']:.2f} | "
            f"**{geo['seconds'] / harvest['seconds']:.1f}×** | **{geo['cpu'] / harvest['cpu']:.1f}×** |"
        )
    walls = sorted(geo["seconds"] / harvest["seconds"] for harvest, geo in pairs)
    cpus = sorted(geo["cpu"] / harvest["cpu"] for harvest, geo in pairs)
    lines += [
        "",
        f"Across {len(pairs)} pair(s): wall ratio {walls[0]:.1f}–{walls[-1]:.1f}× (median "
        f"{walls[(len(walls) - 1) // 2]:.1f}×), CPU ratio {cpus[0]:.1f}–{cpus[-1]:.1f}× (median "
        f"{cpus[(len(cpus) - 1) // 2]:.1f}×). The figures above the pairs table are the median pair's.",
        "",
    ]
    return lines


def _thread_lines(parsed: dict[str, Any]) -> list[str]:
    """The median pair's parse, CPU seconds by thread (read from the kernel, no profiler)."""
    threads = parsed.get("parse_threads")
    if not threads:
        return []
    cells = ", ".join(
        f"{name}{f' ({count} threads)' if count > 1 else ''} {seconds:.2f}"
        for name, (count, seconds) in threads.items()
    )
    return [
        f"CPU s by thread of the median pair's `parse_family_soft` ({parsed['parse']:.2f} s wall, "
        f"{parsed['parse_cpu']:.2f} CPU-s; each thread's own CPU clock, `benchmarks/thread_cpu.py`): {cells}. "
        "A thread whose CPU stays well below the wall time is not the one setting the pace (a cProfile "
        "profile books the main thread's waits for the GIL to the calls that released it).",
        "",
    ]


def section_text(command: str, results: dict[str, dict[str, Any]], cold: dict[str, Any], prime: dict[str, Any]) -> str:
    lines = [
        BEGIN,
        "## Harvesting a 1 GB family SOFT: rnacorpus vs GEOparse vs isal decompression",
        "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"- Machine: {machine()}; shared with other work: load averages {load()} at the end of the run",
        f"- Libraries: {versions(['pyarrow', 'numpy', 'isal', 'duckdb', 'GEOparse', 'pandas'])}",
        "- Input: synthetic Affymetrix-like series (`benchmarks/bench_harvest_soft.py`), probes named by "
        "real human genes, MAS5-like values with 0.1 % missing; served by `rnacorpus mirror`",
        "- Every figure is one fresh subprocess; peak RSS is that process's maximum resident set (`os.wait4`). "
        "Harvest = `rnacorpus harvest` wall time into a catalog holding one tiny study (a new catalog's "
        f"one-off cost, {prime['seconds']:.1f} s for that first tiny harvest, is its own line).",
        "",
    ]
    for label, result in results.items():
        floor = result["decompress"]["seconds"]
        parse, units = result["parse"]["parse"], result["parse"]["units"]
        floor_cpu = result["decompress"]["cpu"]
        parse_cpu, units_cpu = result["parse"]["parse_cpu"], result["parse"]["units_cpu"]
        harvest, geo = result["harvest"], result["geoparse"]
        lines += [
            f"### {label}: {result['parse']['samples']:,} samples × {result['parse']['features']:,} probes, "
            f"{result['decompress']['bytes'] / 1e9:.2f} GB text, {result['gz_mb']:.0f} MB gz",
            "",
            "| step | wall s | wall × isal decompression | CPU s (× isal's CPU) | peak RSS MB |",
            "|---|---:|---:|---:|---:|",
            _fmt_row("isal decompression (the floor)", floor, floor, result["decompress_mb"], (floor_cpu, floor_cpu)),
            _fmt_row("`parse_family_soft` (values spooled)", parse, floor, None, (parse_cpu, floor_cpu)),
            _fmt_row("unit detection (per chunk, as harvest runs it)", units, floor, None, (units_cpu, floor_cpu)),
            _fmt_row("**parse + units**", parse + units, floor, result["parse_mb"], (parse_cpu + units_cpu, floor_cpu)),
            _fmt_row("**`rnacorpus harvest` end to end**", harvest["seconds"], floor, harvest["peak_mb"]),
        ]
        if label in cold:
            lines.append(
                _fmt_row(
                    "`rnacorpus harvest` into a new catalog", cold[label]["seconds"], floor, cold[label]["peak_mb"]
                )
            )
        lines += [
            _fmt_row("GEOparse `get_GEO(filepath=…)` (parse only)", geo["seconds"], floor, result["geoparse_mb"]),
            "",
            f"Harvest end to end is **{geo['seconds'] / harvest['seconds']:.1f}× faster** than GEOparse's parse; "
            f"peak RSS **{harvest['peak_mb'] / result['geoparse_mb']:.2f}×** GEOparse's; parse + units "
            f"**{(parse + units) / floor:.1f}×** the decompression floor. Shards: "
            + ", ".join(f"{s['level']} {s['n_samples']}×{s['n_genes']} ({s['unit']})" for s in harvest["shards"])
            + ".",
            "",
            *_floor_table(result["floor_pairs"]),
            *_pairs_table(result["pairs"]),
        ]
        lines += [
            "Where a harvest's time goes: its steps run one after another in one process "
            "(`--worker steps`; the CLI's start and the catalog commit are not in it):",
            "",
            "| step | wall s | CPU s |",
            "|---|---:|---:|",
            *(f"| {name} | {wall:.2f} | {cpu:.2f} |" for name, wall, cpu in result["steps"]["steps"]),
            f"| total | {sum(m[1] for m in result['steps']['steps']):.2f} | "
            f"{sum(m[2] for m in result['steps']['steps']):.2f} |",
            "",
        ]
        lines += _thread_lines(result["parse"])
        if "profile" in result["parse"]:
            lines += [
                "Profile of parse + units (cProfile, top by own time):",
                "",
                "```",
                result["parse"]["profile"].strip(),
                "```",
                "",
            ]
    labels = list(results)
    if len(labels) == 2:
        big, small = results[labels[0]]["harvest"]["peak_mb"], results[labels[1]]["harvest"]["peak_mb"]
        lines.append(
            f"Harvest peak RSS, {labels[0]} / {labels[1]}: **{big / small:.2f}×** ({big:,.0f} vs {small:,.0f} MB)."
        )
    lines.append(END)
    return "\n".join(lines)
