"""``rnacorpus query`` and ``rnacorpus status``: read the catalog."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rnacorpus import api
from rnacorpus.cli import app
from rnacorpus.cli._common import (
    CatalogOpt,
    JsonOpt,
    StoreOpt,
    VerboseOpt,
    build_config,
    emit_json,
    setup_logging,
)
from rnacorpus.cli.render import print_arrow
from rnacorpus.errors import ConfigError

FilterOpt = Annotated[str | None, typer.Option(help="a name, synonym or CURIE; descendants included")]


@app.command()
def query(
    sql: Annotated[str | None, typer.Argument(help="one SELECT statement (or use the field filters)")] = None,
    tissue: FilterOpt = None,
    disease: FilterOpt = None,
    cell_type: Annotated[str | None, typer.Option("--cell-type", help="a CL name or CURIE")] = None,
    organism: Annotated[str | None, typer.Option(help="human, mouse, a species name or taxon ID")] = None,
    assay: FilterOpt = None,
    sex: FilterOpt = None,
    development_stage: Annotated[str | None, typer.Option("--development-stage")] = None,
    exact: Annotated[bool, typer.Option("--exact", help="match the terms themselves, not descendants")] = False,
    limit: Annotated[int | None, typer.Option("--limit")] = None,
    accession: Annotated[
        str | None, typer.Option("--accession", help="any accession → its one sample (or study), all its accessions")
    ] = None,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Run read-only SQL on the catalog, or find samples by harmonized field (ontology-aware)."""
    setup_logging(verbose)
    config = build_config(catalog_path=catalog, store_dir=store)
    filters = {
        "tissue": tissue,
        "disease": disease,
        "cell_type": cell_type,
        "organism": organism,
        "assay": assay,
        "sex": sex,
        "development_stage": development_stage,
    }
    if accession is not None:
        from rnacorpus.cli.resolve_render import print_resolved

        resolved = api.resolve(accession, catalog=config.catalog_path, store=store)
        emit_json(resolved) if json_output else print_resolved(resolved)
        raise typer.Exit(0 if resolved["kind"] else 1)
    if sql and any(filters.values()):
        raise ConfigError("give either SQL or field filters, not both")
    if sql:
        table = api.query(sql, catalog=config.catalog_path, store=store)
    elif any(filters.values()):
        table = api.samples(catalog=config.catalog_path, store=store, descendants=not exact, limit=limit, **filters)
    else:
        raise ConfigError("give a SQL query or at least one of --tissue/--disease/--cell-type/--organism/…")
    if json_output:
        emit_json(table.to_pylist())
    else:
        print_arrow(table)


@app.command()
def status(
    coverage: Annotated[bool, typer.Option("--coverage", help="per-field harmonization coverage")] = False,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """What the catalog holds: counts, mapping reports, quarantined studies, recent runs."""
    setup_logging(verbose)
    config = build_config(catalog_path=catalog, store_dir=store)
    info = api.status(catalog=config.catalog_path, store=store, coverage=coverage)
    if json_output:
        emit_json(info)
        return
    from rnacorpus.cli.status_render import print_status

    print_status(info)
    sys.stdout.flush()
