"""``rnacorpus export`` and ``rnacorpus verify``: training sets and their manifests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rnacorpus import api
from rnacorpus.catalog.export_splits import DEFAULT_SPLITS
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
from rnacorpus.cli.render import make_progress, stderr_console, stdout_console

if TYPE_CHECKING:  # the export machinery (Arrow, DuckDB) loads when the command runs, not at CLI start
    from rnacorpus.catalog.export import ExportResult

FilterOpt = Annotated[str | None, typer.Option(help="a name, synonym or CURIE; descendants included")]


@app.command()
def export(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option("--out", help="output folder: new or empty (an earlier export is replaced only with --overwrite)"),
    ],
    where: Annotated[str | None, typer.Option("--where", help="one SQL predicate on samples")] = None,
    tissue: FilterOpt = None,
    disease: FilterOpt = None,
    cell_type: Annotated[str | None, typer.Option("--cell-type", help="a CL name or CURIE")] = None,
    organism: Annotated[str | None, typer.Option(help="human, mouse, a species name or taxon ID")] = None,
    assay: FilterOpt = None,
    sex: FilterOpt = None,
    development_stage: Annotated[str | None, typer.Option("--development-stage")] = None,
    exact: Annotated[bool, typer.Option("--exact", help="filters match the terms themselves, not descendants")] = False,
    max_per_study: Annotated[
        int | None, typer.Option("--max-per-study", help="at most N samples per study (seeded choice)")
    ] = None,
    min_gene_coverage: Annotated[
        float | None, typer.Option("--min-gene-coverage", help="drop samples measuring less than this share of genes")
    ] = None,
    genes: Annotated[
        str, typer.Option("--genes", help="protein_coding | all | FILE (one Ensembl ID or symbol per line)")
    ] = "all",
    level: Annotated[str, typer.Option("--level", help="gene (Ensembl IDs) | feature (one platform, as deposited)")] = (
        "gene"
    ),
    normalize: Annotated[
        str,
        typer.Option(
            "--normalize",
            help="as_deposited | log1p_cpm | log1p_tpm | cpm | tpm (samples it cannot convert exactly are listed)",
        ),
    ] = "as_deposited",
    splits: Annotated[str, typer.Option("--splits", help="name=fraction,… by study")] = DEFAULT_SPLITS,
    seed: Annotated[str, typer.Option("--seed", help="seed of the splits and of --max-per-study")] = "rnacorpus",
    format: Annotated[str, typer.Option("--format", help="parquet | h5ad | parquet,h5ad")] = "parquet",
    compression: Annotated[
        str, typer.Option("--compression", help="part files' codec: none (least CPU) | lz4 | zstd (smallest)")
    ] = "none",
    allow_mixed: Annotated[
        bool, typer.Option("--allow-mixed", help="allow several organisms, or units without --normalize")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="a split that receives no study is an error")] = False,
    from_manifest: Annotated[
        Path | None, typer.Option("--from-manifest", help="rebuild the export a manifest.json describes")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="replace --out when it holds an earlier rnacorpus export (only then)")
    ] = False,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Write a training set: <split>/part-*.parquet, features.parquet, samples.parquet and manifest.json."""
    setup_logging(verbose)
    config = build_config(catalog_path=catalog, store_dir=store)
    options: dict[str, Any] = {}
    if from_manifest is None:  # every option by make_options' names, which this command's parameters share
        from rnacorpus.catalog.export_options import OPTION_NAMES

        options = {name: ctx.params[name] for name in OPTION_NAMES}
    result = api.export(
        out,
        catalog=config.catalog_path,
        store=store,
        from_manifest=from_manifest,
        overwrite=overwrite,
        progress=make_progress("export", enabled=not json_output),
        **options,
    )
    if json_output:
        emit_json(result.to_dict())
    else:
        _print_result(result)
    if result.differences:
        raise typer.Exit(1)


def _print_result(result: ExportResult) -> None:
    say = stdout_console.print
    say(
        f"exported {result.n_samples} samples × {result.n_features} features to {result.out_dir} "
        f"(manifest {result.manifest_path})",
        markup=False,
    )
    for name, size in result.splits.items():
        say(f"  {name}: {size['samples']} samples from {size['studies']} studies", markup=False)
    for label, items in (
        ("refused by the normalization (reasons in the manifest)", result.refused_by_normalization),
        ("have no values at this level (listed in the manifest)", result.skipped_without_expression),
        ("below --min-gene-coverage (listed in the manifest)", result.below_min_gene_coverage),
    ):
        if items:
            say(f"  {len(items)} matching samples {label}", markup=False)
    for warning in result.warnings:
        stderr_console.print(f"warning: {warning}", markup=False)
    if result.differences is not None:
        if not result.differences:
            say("rebuilt byte-identical to the manifest", markup=False)
        for line in result.differences:
            say(f"  differs: {line}", markup=False)


@app.command()
def verify(
    out: Annotated[Path, typer.Argument(help="an export folder")],
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Check every file of an export against its manifest's sha256."""
    setup_logging(verbose)
    problems = api.verify_export(out)
    if json_output:
        emit_json({"ok": not problems, "problems": problems})
    else:
        for problem in problems:
            stdout_console.print(problem, markup=False)
        stdout_console.print("verified" if not problems else f"{len(problems)} problem(s)", markup=False)
    raise typer.Exit(1 if problems else 0)
