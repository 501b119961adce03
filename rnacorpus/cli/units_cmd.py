"""``rnacorpus units detect FILE``: the unit of each sample column, with the evidence.

Writes one JSON line per sample column to stdout (``column, unit, is_log, confidence, evidence``),
with or without ``--json``; without it, a short human summary also goes to stderr. The decision is
:func:`rnacorpus.harmonize.units.detect_units_in_values`, the same code the harvest runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rnacorpus.cli import app
from rnacorpus.cli._common import JsonOpt, VerboseOpt, emit_json_lines, setup_logging

units_app = typer.Typer(name="units", help="Value units: detect and explain.", no_args_is_help=True)
app.add_typer(units_app, name="units")

LabelOpt = Annotated[
    list[str] | None,
    typer.Option("--label", help="extra text about the values (e.g. the #VALUE line); repeatable"),
]


@units_app.command("detect")
def detect(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="TSV/CSV (optionally gzip): gene IDs, then one column per sample",
        ),
    ],
    json_output: JsonOpt = False,
    label: LabelOpt = None,
    verbose: VerboseOpt = 0,
) -> None:
    """Each column's unit: counts, cpm, tpm, fpkm, log2_intensity, linear_intensity, centered, unknown."""
    from rnacorpus.harmonize.units import detect_units_in_values, summarize_units
    from rnacorpus.harmonize.units.tables import read_expression_table

    setup_logging(verbose)
    table = read_expression_table(file)
    labels = [file.name, *(label or [])]
    calls = detect_units_in_values(
        table.values,
        table.columns,
        label_evidence=labels,
        column_labels={name: [name] for name in table.columns},
    )
    emit_json_lines(call.to_dict() for call in calls)
    if not json_output:
        summary = summarize_units(calls)
        log_word = " (log)" if summary.is_log and summary.unit != "log2_intensity" else ""
        sys.stderr.write(
            f"{file.name}: {len(calls)} columns; {summary.unit}{log_word} in "
            f"{summary.agreement:.0%} of them (confidence {summary.confidence:.2f})\n"
        )
        if table.set_aside:
            sys.stderr.write(f"not sample columns: {', '.join(table.set_aside)}\n")
