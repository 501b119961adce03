"""The export's options are one spec (``make_options``): the CLI command has a parameter of each
name, ``Catalog.export`` takes them by the same names, and a manifest's record of them round-trips."""

from __future__ import annotations

import typer.main

from rnacorpus.catalog.export_options import OPTION_NAMES, ExportOptions, make_options
from rnacorpus.cli import _register, app


def test_the_cli_has_a_parameter_for_every_option() -> None:
    _register()  # the commands register on first use of the CLI
    command = typer.main.get_command(app).commands["export"]  # type: ignore[attr-defined]
    names = {param.name for param in command.params}
    assert set(OPTION_NAMES) <= names, set(OPTION_NAMES) - names
    cli_only = names - set(OPTION_NAMES)
    assert cli_only == {"out", "from_manifest", "overwrite", "catalog", "store", "json_output", "verbose"}


def test_a_manifests_options_rebuild_the_same_options() -> None:
    options = make_options(
        where="study_accession <> 'GSE1'",
        tissue="liver",
        sex="female",
        max_per_study=3,
        genes=["TP53", "ENSG00000141510"],
        normalize="log1p_cpm",
        splits={"train": 0.75, "test": 0.25},
        seed=7,
        format="parquet,h5ad",
        strict=True,
    )
    assert options.filters == {"tissue": "liver", "sex": "female"}
    assert options.formats == ("parquet", "h5ad")
    assert ExportOptions.from_dict(options.to_dict()) == options
