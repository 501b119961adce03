"""``rnacorpus migrate``: upgrade an older catalog's format in place."""

from __future__ import annotations

from rnacorpus.cli import app
from rnacorpus.cli._common import CatalogOpt, JsonOpt, VerboseOpt, build_config, emit_json, setup_logging
from rnacorpus.cli.render import stdout_console


@app.command()
def migrate(catalog: CatalogOpt = None, json_output: JsonOpt = False, verbose: VerboseOpt = 0) -> None:
    """Upgrade a catalog written by an older rnacorpus to this release's format (harvest and refresh do it too)."""
    from rnacorpus import api

    setup_logging(verbose)
    config = build_config(catalog_path=catalog)
    result = api.migrate(catalog=config.catalog_path)
    if json_output:
        emit_json(result)
        return
    if not result["steps"]:
        stdout_console.print(f"{result['catalog']}: already at format {result['to_format']}", markup=False)
    for step in result["steps"]:
        stdout_console.print(f"{result['catalog']}: format {step['to_format']}: {step['description']}", markup=False)
