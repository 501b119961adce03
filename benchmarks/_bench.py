"""What the benchmarks share: fresh child processes with their peak RSS, the machine line, the load,
and replacing one marked section of ``docs/benchmarks.md``.

Children are measured with ``os.wait4`` (the child's own maximum resident set, in KiB on Linux). The
parent must stay small: a child's high-water mark starts from the pages it was forked from.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"


@dataclass
class ChildRun:
    seconds: float  # wall time of the whole child, seen from the parent
    peak_mb: float
    output: str
    cpu_seconds: float = 0.0  # user + system of the child and the descendants it waited for


def run_child(command: Sequence[str], *, env: dict[str, str] | None = None, check: bool = True) -> ChildRun:
    """Run ``command``; its wall time and peak RSS (that process only)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )
    assert child.stdout is not None
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if check and code != 0:
        raise SystemExit(f"{command[:3]} failed with exit code {code}")
    return ChildRun(seconds, usage.ru_maxrss / 1024, output, usage.ru_utime + usage.ru_stime)


def start_mirror(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``rnacorpus mirror folder`` on a free loopback port, in its own process; the process and its URL."""
    command = [str(Path(sys.executable).with_name("rnacorpus")), "mirror", str(folder), "--port", "0"]
    mirror = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=REPO)
    assert mirror.stdout is not None
    line = mirror.stdout.readline().decode()
    url = line.split(" at ", 1)[1].split(" ", 1)[0]
    return mirror, url


def run_python(script: str, *args: str) -> tuple[dict[str, Any], float]:
    """``python script args…`` printing one JSON object; that object and the child's peak RSS (MB)."""
    run = run_child([sys.executable, script, *args])
    return json.loads(run.output.strip().splitlines()[-1]), run.peak_mb


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs, {system}, Python {platform.python_version()}"


def load() -> str:
    """``uptime``'s load averages (the machine is shared: every figure says how busy it was)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def versions(names: Sequence[str]) -> str:
    import importlib.metadata as md

    return ", ".join(f"{name} {md.version(name)}" for name in names)


def write_doc(begin: str, end: str, section: str) -> None:
    """Replace the section between ``begin`` and ``end`` markers (or append it)."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
