"""How long the ``rnacorpus`` command takes to start: ``--help``, ``--version`` and a small query.

Each command runs ``--repeat`` times in a fresh process (the installed console script, stdout to
/dev/null); the median wall time is reported next to two baselines measured in the same run:

* ``python -c pass`` — the interpreter's own start, the floor;
* ``python -c "import numpy, pandas, pyarrow, duckdb"`` — what every start paid before commands imported
  their libraries lazily.

With ``--catalog PATH`` it also times ``rnacorpus query "SELECT count(*) FROM samples"`` and a field
query on that catalog. Writes the table to docs/benchmarks.md (command, machine, date, load).

    python benchmarks/bench_cli_start.py [--repeat 10] [--catalog PATH --tissue NAME]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
from pathlib import Path

from docblock import median_seconds, write_doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--catalog", type=Path)
    parser.add_argument("--tissue", default="liver")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    script = shutil.which("rnacorpus", path=str(Path(sys.executable).parent)) or "rnacorpus"
    cases: list[tuple[str, list[str]]] = [
        ("baseline: `python -c pass`", [sys.executable, "-c", "pass"]),
        (
            "baseline: `python -c 'import numpy, pandas, pyarrow, duckdb'`",
            [sys.executable, "-c", "import numpy, pandas, pyarrow, duckdb"],
        ),
        ("`rnacorpus --help`", [script, "--help"]),
        ("`rnacorpus --version`", [script, "--version"]),
        ("`rnacorpus query --help`", [script, "query", "--help"]),
    ]
    if args.catalog is not None:
        where = ["--catalog", str(args.catalog)]
        cases += [
            (
                '`rnacorpus query "SELECT count(*) FROM samples"`',
                [script, "query", "SELECT count(*) FROM samples", *where],
            ),
            (
                f"`rnacorpus query --tissue {args.tissue}` (table view)",
                [script, "query", "--tissue", args.tissue, *where],
            ),
        ]
    measured = [(label, median_seconds(command, args.repeat)) for label, command in cases]
    load = os.getloadavg()
    floor, heavy = measured[0][1], measured[1][1]
    lines = [
        "## CLI start (`benchmarks/bench_cli_start.py`)",
        "",
        f"Command: `python benchmarks/bench_cli_start.py --repeat {args.repeat}"
        + (f" --catalog CATALOG --tissue {args.tissue}" if args.catalog else "")
        + f"` ({dt.date.today()})",
        "",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        "(1/5/15 min; the machine is shared, so compare with the baselines of the same run)",
        f"- Median wall time of {args.repeat} fresh processes each (the installed console script, stdout to "
        "/dev/null).",
        "",
        "| command | seconds | vs `python -c pass` | vs importing the data libraries |",
        "|---|---:|---:|---:|",
    ]
    for label, value in measured:
        lines.append(f"| {label} | {value:.3f} | {value / floor:.1f}× | {value / heavy:.2f}× |")
    text = "\n".join(lines)
    sys.stdout.write(text + "\n")
    if not args.no_doc:
        write_doc("cli_start", text)


if __name__ == "__main__":
    main()
