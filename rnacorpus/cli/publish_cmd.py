"""``rnacorpus publish --to URL``: a versioned snapshot of the catalog for readers on other machines."""

from __future__ import annotations

from typing import Annotated

import typer

from rnacorpus import api
from rnacorpus.cli import app
from rnacorpus.cli._common import CatalogOpt, JsonOpt, VerboseOpt, build_config, emit_json, setup_logging
from rnacorpus.cli.render import stdout_console


@app.command()
def publish(
    to: Annotated[str, typer.Option("--to", help="a folder or an fsspec URL (s3://bucket/prefix)")],
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep",
            min=1,
            help="keep only the newest N snapshots at TO: older ones are removed and the store files "
            "they alone read are freed (default: keep all, and every file they read)",
        ),
    ] = None,
    catalog: CatalogOpt = None,
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Copy the catalog and a store manifest to TO/<run id>/ (atomically), then point TO/LATEST.json at them.

    The store files a snapshot reads are pinned: later runs that replace studies keep them."""
    setup_logging(verbose)
    config = build_config(catalog_path=catalog)
    result = api.publish(to, catalog=config.catalog_path, keep=keep)
    if json_output:
        emit_json(result.to_dict())
        return
    stdout_console.print(
        f"published run {result.run_id}: {result.catalog} ({result.catalog_bytes:,} bytes), "
        f"{result.manifest} ({result.n_store_files} store files in {result.store})",
        markup=False,
    )
    if result.pruned:
        freed = "freed at the next run" if result.freed_files is None else f"{result.freed_files} store files freed"
        stdout_console.print(
            f"removed {len(result.pruned)} older snapshot(s): {', '.join(result.pruned)} ({freed})", markup=False
        )
