"""Human output for the CLI: tables, progress bars, the run summary (machines use --json).

Nothing heavy is imported at module level (rich, pyarrow load when a command first draws), so that
registering commands stays cheap.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rnacorpus.pipeline.report import NullProgress, RunReport
from rnacorpus.pipeline.report import Progress as ProgressProtocol

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.console import Console

__all__ = ["RichProgress", "make_progress", "print_arrow", "print_report", "say", "stderr_console", "stdout_console"]

#: a column of a terminal table never grows past this many characters (longer values end in …)
MAX_CELL = 40
_consoles: dict[str, Console] = {}


def _console(stream: str) -> Console:
    if stream not in _consoles:
        from rich.console import Console

        target = sys.stderr if stream == "stderr" else sys.stdout
        # a pipe or a file gets the table at full width instead of squeezed into 80 columns
        width = None if target.isatty() else 200
        _consoles[stream] = Console(stderr=stream == "stderr", soft_wrap=True, width=width)
    return _consoles[stream]


class _LazyConsole:
    """A rich Console made on first use (``stdout_console.print(...)`` as before, rich loaded then)."""

    def __init__(self, stream: str) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(_console(self._stream), name)


stdout_console: Any = _LazyConsole("stdout")
stderr_console: Any = _LazyConsole("stderr")


def say(line: str) -> None:
    """One plain line on stdout (no markup, no highlighting)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class RichProgress:
    """A progress bar on stderr, one tick per study."""

    def __init__(self, description: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(),
            console=_console("stderr"),
            transient=True,
        )
        self._description = description
        self._task: Any = None

    def start(self, total: int | None) -> None:
        self._progress.start()
        self._task = self._progress.add_task(self._description, total=total, last="")

    def advance(self, accession: str, outcome: str) -> None:
        self._progress.update(self._task, advance=1, last=f"{accession} {outcome}")

    def close(self) -> None:
        self._progress.stop()


def make_progress(description: str, *, enabled: bool) -> ProgressProtocol:
    if enabled and sys.stderr.isatty():
        return RichProgress(description)
    return NullProgress()


def print_report(report: RunReport) -> None:
    """A run's report as plain lines, never wrapped (cron mails and log files keep one line per fact):
    the summary, each failed study, each study found withdrawn; why the run could not run on stderr."""
    sys.stdout.write(report.summary_line() + "\n")
    for failure in report.failed:
        sys.stdout.write(f"  failed {failure.accession} [{failure.step}/{failure.error_kind}]: {failure.message}\n")
    for item in report.results:
        if item.outcome == "withdrawn":
            sys.stdout.write(f"  withdrawn {item.accession}: {item.message}\n")
    sys.stdout.flush()
    if report.fatal:
        sys.stderr.write(f"rnacorpus: could not run: {report.fatal}\n")


def print_rows(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A terminal table: one line per row, long values cut with … (``--json``/``--csv`` give them whole)."""
    from rich import box
    from rich.table import Table

    view = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in headers:
        view.add_column(name, no_wrap=True, overflow="ellipsis", max_width=MAX_CELL)
    for row in rows:
        view.add_row(*("" if v is None else _short(v) for v in row))
    _console("stdout").print(view, markup=False, highlight=False)


def print_arrow(table: pa.Table, *, max_rows: int = 20) -> None:
    """The first ``max_rows`` rows of an Arrow table, and how many more there are."""
    head = table.slice(0, max_rows).to_pylist()
    print_rows(table.column_names, [list(row.values()) for row in head])
    if table.num_rows > max_rows:
        say(f"… {table.num_rows - max_rows:,} more rows (use --json for all)")


def _short(value: Any, limit: int = MAX_CELL) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
