"""``harvest``, ``query``, ``export``, ``verify``, ``status``: each parses options and calls rnacorpus.api."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rnacorpus import api
from rnacorpus.cli import app
from rnacorpus.cli._common import (
    CacheOpt,
    CatalogOpt,
    JsonOpt,
    MirrorOpt,
    OfflineOpt,
    RetryQuarantinedOpt,
    StoreOpt,
    VerboseOpt,
    WorkersOpt,
    build_config,
    emit_json,
    parse_date,
    setup_logging,
)
from rnacorpus.cli.render import make_progress, print_arrow, print_report, stdout_console
from rnacorpus.errors import ConfigError

DEFAULT_CATALOG = Path("rnacorpus.duckdb")


@app.command()
def harvest(
    accessions: Annotated[list[str] | None, typer.Argument(help="GEO series accessions (GSE…)")] = None,
    query: Annotated[str | None, typer.Option("--query", help="E-utilities search term (db=gds)")] = None,
    since: Annotated[str | None, typer.Option("--since", help="only series updated on/after DATE")] = None,
    until: Annotated[str | None, typer.Option("--until", help="only series updated on/before DATE")] = None,
    organism: Annotated[str | None, typer.Option("--organism", help='e.g. "Homo sapiens"')] = None,
    study_type: Annotated[
        str | None, typer.Option("--type", help='e.g. "Expression profiling by high throughput sequencing"')
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="at most N discovered series")] = None,
    retry_quarantined: RetryQuarantinedOpt = False,
    workers: WorkersOpt = None,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    cache: CacheOpt = None,
    mirror: MirrorOpt = None,
    offline: OfflineOpt = False,
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Fetch studies, harmonize them and load them into the catalog (idempotent, resumable)."""
    setup_logging(verbose)
    config = build_config(
        catalog_path=catalog,
        store_dir=store,
        cache_dir=cache,
        mirror=mirror,
        offline=offline or None,
        workers=workers,
    )
    if not accessions and query is None and since is None and not retry_quarantined:
        raise ConfigError("give accessions, --query/--since, or --retry-quarantined")
    report = api.harvest(
        accessions or [],
        query=query,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
        organism=organism,
        study_type=study_type,
        limit=limit,
        retry_quarantined=retry_quarantined,
        config=config,
        progress=make_progress("harvest", enabled=not json_output),
    )
    if json_output:
        emit_json(report.to_dict())
    else:
        print_report(report)
    raise typer.Exit(report.exit_code)


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
def export(
    out: Annotated[Path, typer.Option("--out", help="output folder (created; must be empty or an old export)")],
    where: Annotated[str | None, typer.Option("--where", help="SQL predicate on samples")] = None,
    genes: Annotated[
        Path | None, typer.Option("--genes", help="file with one feature/gene ID per line: the column order")
    ] = None,
    level: Annotated[str, typer.Option("--level", help="auto | gene | feature")] = "auto",
    normalize: Annotated[
        str, typer.Option("--normalize", help="none | log1p_cpm | log1p_tpm (samples it cannot convert are listed)")
    ] = "none",
    seed: Annotated[str, typer.Option("--seed", help="seed of the study-level split")] = "rnacorpus",
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Write a training set: expression.parquet, samples.parquet, features.parquet and manifest.json."""
    setup_logging(verbose)
    config = build_config(catalog_path=catalog, store_dir=store)
    gene_list = None
    if genes is not None:
        gene_list = [line.strip() for line in genes.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = api.export(
        out,
        catalog=config.catalog_path,
        store=store,
        where=where,
        genes=gene_list,
        level=level,
        normalize=normalize,
        seed=seed,
        overwrite=True,
    )
    if json_output:
        emit_json(result.to_dict())
    else:
        stdout_console.print(
            f"exported {result.n_samples} samples × {result.n_features} features to {result.out_dir} "
            f"(manifest {result.manifest_path})",
            markup=False,
        )
        if result.refused_by_normalization:
            stdout_console.print(
                f"{len(result.refused_by_normalization)} samples refused by --normalize {normalize} "
                "(reasons in the manifest)",
                markup=False,
            )
        if result.skipped_without_expression:
            stdout_console.print(
                f"{len(result.skipped_without_expression)} matching samples have no expression values "
                "(listed in the manifest)",
                markup=False,
            )


@app.command()
def verify(
    out: Annotated[Path, typer.Argument(help="an export folder")],
    json_output: JsonOpt = False,
) -> None:
    """Check every file of an export against its manifest's sha256."""
    problems = api.verify_export(out)
    if json_output:
        emit_json({"ok": not problems, "problems": problems})
    else:
        for problem in problems:
            stdout_console.print(problem, markup=False)
        stdout_console.print("verified" if not problems else f"{len(problems)} problem(s)", markup=False)
    raise typer.Exit(1 if problems else 0)


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


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="working folder (wiped and rebuilt)")] = Path("rnacorpus-demo"),
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
