"""Human output for the CLI: tables, progress bars, the run summary (machines use --json)."""

from __future__ import annotations

import sys
from typing import Any

import pyarrow as pa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rnacorpus.pipeline.report import NullProgress, RunReport
from rnacorpus.pipeline.report import Progress as ProgressProtocol

__all__ = ["RichProgress", "make_progress", "print_arrow", "print_report", "stderr_console", "stdout_console"]

stdout_console = Console(soft_wrap=True)
stderr_console = Console(stderr=True, soft_wrap=True)


class RichProgress:
    """A progress bar on stderr, one tick per study."""

    def __init__(self, description: str) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(),
            console=stderr_console,
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


def print_arrow(table: pa.Table, *, max_rows: int = 200) -> None:
    view = Table(show_lines=False)
    for name in table.column_names:
        view.add_column(name, overflow="fold")
    for row in table.slice(0, max_rows).to_pylist():
        view.add_row(*("" if v is None else _short(v) for v in row.values()))
    stdout_console.print(view)
    if table.num_rows > max_rows:
        stdout_console.print(f"… {table.num_rows - max_rows} more rows (use --json for all)")


def _short(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
