"""Text rendering of ``rnacorpus status`` (the JSON form is the status dict itself)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from rnacorpus.cli.render import stdout_console

__all__ = ["print_status"]


def _table(title: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    if not rows:
        return table
    for name in rows[0]:
        table.add_column(str(name), overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    return table


def print_status(info: dict[str, Any]) -> None:
    out = stdout_console
    out.print(f"catalog {info['catalog']}  store {info['store']}", markup=False)
    counts = info["counts"]
    out.print(
        "  ".join(f"{name}={value}" for name, value in counts.items() if value is not None)
        + f"  samples_with_expression={info['samples_with_expression']}",
        markup=False,
    )
    if info.get("by_organism"):
        out.print(_table("samples by organism", info["by_organism"]))
    for section, title in (
        ("mapping_reports", "gene mapping reports"),
        ("coverage", "harmonized field coverage"),
        ("issues", "parse issues"),
        ("quarantine", "quarantined studies"),
        ("withdrawn", "studies the archive withdrew (kept, left out of exports)"),
        ("watermarks", "refresh watermarks"),
        ("last_runs", "last runs"),
    ):
        rows = info.get(section)
        if rows:
            out.print(_table(title, rows))
    if not info.get("quarantine"):
        out.print("no quarantined studies", markup=False)
