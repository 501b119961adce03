"""``rnacorpus demo``: the offline end-to-end demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rnacorpus.cli import app
from rnacorpus.cli._common import (
    JsonOpt,
    VerboseOpt,
    emit_json,
    setup_logging,
)
from rnacorpus.cli.render import make_progress, print_arrow, stdout_console


@app.command()
def demo(
    folder: Annotated[
        Path,
        typer.Option("--dir", help="working folder: new, empty, or an earlier demo (replaced); else refused"),
    ] = Path("rnacorpus-demo"),
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Generate GEO-format files, serve them on loopback, harvest, query and export — all offline."""
    from rnacorpus.demo import run_demo

    setup_logging(verbose)

    def say(line: str) -> None:
        if not json_output:
            stdout_console.print(line, markup=False, highlight=False)

    result = run_demo(folder, progress=make_progress("harvest", enabled=not json_output), say=say)
    if json_output:
        emit_json(result.to_dict())
    else:
        import pyarrow as pa

        print_arrow(pa.Table.from_pylist(result.rows))
        catalog_file = folder / "rnacorpus.duckdb"
        hint = "rnacorpus query --tissue brain --catalog"
        stdout_console.print(f"catalog: {catalog_file} — try: {hint} {catalog_file}", markup=False)
    raise typer.Exit(0 if result.ok else 1)
