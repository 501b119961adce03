"""Human output of ``rnacorpus query --accession`` (machines use ``--json``)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from rnacorpus.cli.render import stdout_console

__all__ = ["print_resolved"]


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*["" if row.get(c) is None else str(row.get(c)) for c in columns])
    return table


def print_resolved(resolved: dict[str, Any]) -> None:
    query = resolved["query"]
    if resolved["kind"] is None:
        stdout_console.print(f"{query}: not in the catalog")
    elif resolved["kind"] == "study":
        into = f" (absorbed into {resolved['absorbed_into']})" if resolved.get("absorbed_into") else ""
        stdout_console.print(f"{query} → study {resolved['study_accession']}{into}")
        stdout_console.print(
            _table("links", resolved["links"], ["study_accession", "linked_accession", "relation", "rule"])
        )
    else:
        stdout_console.print(f"{query} → sample {resolved['sample_id']} (in {', '.join(resolved['studies'])})")
        stdout_console.print(
            _table("accessions", resolved["accessions"], ["accession", "archive", "kind", "evidence", "stated_by"])
        )
        if resolved["runs"]:
            columns = [
                "run_accession",
                "experiment_accession",
                "library_strategy",
                "library_layout",
                "instrument_model",
                "read_count",
            ]
            stdout_console.print(_table("runs", resolved["runs"], columns))
