"""The ``rnacorpus`` command: a thin shell over the Python API (``rnacorpus.api``).

Exit codes: 0 success, 1 some studies failed (listed), 2 could not run (bad option, locked, ...).
"""

from __future__ import annotations

import sys

import typer

from rnacorpus.errors import ConfigError, RnacorpusError

app = typer.Typer(
    name="rnacorpus",
    help="Turn public transcriptomics archives into a harmonized, training-ready corpus.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Each module adds its commands to ``app``; importing them here keeps start-up in one place.
    from rnacorpus.cli import commands  # noqa: F401


def main() -> None:
    _register()
    try:
        app()
    except ConfigError as exc:
        sys.stderr.write(f"rnacorpus: {exc}\n")
        sys.exit(2)
    except RnacorpusError as exc:
        sys.stderr.write(f"rnacorpus: {exc}\n")
        sys.exit(1)
