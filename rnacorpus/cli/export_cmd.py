"""``rnacorpus export`` and ``rnacorpus verify``: training sets and their manifests."""

from __future__ import annotations

from pathlib import Path
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
from rnacorpus.cli.render import stdout_console


@app.command()
def export(
    out: Annotated[
        Path,
        typer.Option("--out", help="output folder: new or empty (an earlier export is replaced only with --overwrite)"),
    ],
    where: Annotated[str | None, typer.Option("--where", help="SQL predicate on samples")] = None,
    genes: Annotated[
        Path | None, typer.Option("--genes", help="file with one feature/gene ID per line: the column order")
    ] = None,
    level: Annotated[str, typer.Option("--level", help="auto | gene | feature")] = "auto",
    normalize: Annotated[
        str, typer.Option("--normalize", help="none | log1p_cpm | log1p_tpm (samples it cannot convert are listed)")
    ] = "none",
    seed: Annotated[str, typer.Option("--seed", help="seed of the study-level split")] = "rnacorpus",
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="replace --out when it holds an earlier rnacorpus export (only then)")
    ] = False,
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
        overwrite=overwrite,
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
