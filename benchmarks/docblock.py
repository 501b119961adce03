"""Shared by the benchmarks: timing a command in fresh processes, and writing a result block into
docs/benchmarks.md between ``<!-- bench:NAME -->`` markers (replaced in place on a re-run)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def median_seconds(command: list[str], repeat: int, *, cleanup: Path | None = None) -> float:
    """Median wall time of ``command`` over ``repeat`` fresh processes (stdout to /dev/null); a failure
    stops the benchmark with its stderr. ``cleanup``: a file the command writes, removed after each run."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with Path(os.devnull).open("wb") as sink:
            done = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()}")
        if cleanup is not None:
            cleanup.unlink()
    return statistics.median(times)


def write_doc(name: str, text: str) -> None:
    """Put ``text`` into docs/benchmarks.md as the block ``name`` (replacing an earlier one)."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{begin}\n{text}\n{end}"
    if begin in current:
        head, rest = current.split(begin, 1)
        current = head + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(current, encoding="utf-8")
