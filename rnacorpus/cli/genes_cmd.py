"""``rnacorpus genes map``: explain what the gene layer does with each identifier.

Reads one identifier per line on stdin and writes one JSON line per input to stdout
(``input, outcome, ensembl_id, symbol, rule, candidates`` plus ``candidate_symbols, note, id_kind``),
with or without ``--json``; without it a one-line summary also goes to stderr. It calls
:func:`rnacorpus.harmonize.genes.map_identifiers`, the same function the harvest uses.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rnacorpus.cli import app
from rnacorpus.cli._common import JsonOpt, VerboseOpt, dumps, emit_json_lines, setup_logging

if TYPE_CHECKING:
    import pyarrow as pa

genes_app = typer.Typer(name="genes", help="Gene identifiers: map and explain.", no_args_is_help=True)
app.add_typer(genes_app, name="genes")

OrganismOpt = Annotated[str, typer.Option("--organism", help="human | mouse (or Homo sapiens, 9606, 10090)")]
PlatformOpt = Annotated[
    Path | None,
    typer.Option(
        "--platform",
        exists=True,
        dir_okay=False,
        help="the platform's annotation (GPL SOFT / .annot.gz) to map probe IDs through",
    ),
]
ReportOpt = Annotated[bool, typer.Option("--report", help="also write the mapping report (JSON) to stderr")]


def _platform_table(path: Path | None) -> pa.Table | None:
    if path is None:
        return None
    from rnacorpus.harvester.geo.soft import read_platform_table

    return read_platform_table(path)[1]


@genes_app.command("map")
def map_ids(
    organism: OrganismOpt = "human",
    json_output: JsonOpt = False,
    platform: PlatformOpt = None,
    report: ReportOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Map identifiers from stdin (one per line) and say, per input, what was decided and why."""
    from rnacorpus.harmonize.genes import load_reference, map_identifiers

    setup_logging(verbose)
    reference = load_reference(organism)
    ids = sys.stdin.read().splitlines()
    mapping = map_identifiers(ids, reference, platform_table=_platform_table(platform))
    emit_json_lines(mapping.rows())
    summary = mapping.report
    if report:
        sys.stderr.write(dumps(summary.to_dict()) + "\n")
    elif not json_output:
        sys.stderr.write(
            f"{summary.inputs} inputs ({reference.organism.key}, {reference.info.release}): "
            f"{summary.mapped} mapped, "
            f"{summary.ambiguous} ambiguous, {summary.unmapped} unmapped, {summary.dropped} dropped\n"
        )
