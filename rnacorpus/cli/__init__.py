"""The ``rnacorpus`` command: a thin shell over the Python API (``rnacorpus.api``).

Exit codes: 0 success, 1 some studies failed (listed), 2 could not run (bad option, locked, an
archive that does not answer, ...). Every error is one ``rnacorpus: …`` message on stderr; a
traceback only with ``-vv`` (then for unexpected errors too).
"""

from __future__ import annotations

import sys
import traceback

import typer

from rnacorpus.errors import ArchiveDownError, ConfigError, RnacorpusError

app = typer.Typer(
    name="rnacorpus",
    help="Turn public transcriptomics archives into a harmonized, training-ready corpus.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from rnacorpus import __version__

        sys.stdout.write(f"rnacorpus {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """Turn public transcriptomics archives into a harmonized, training-ready corpus.

    Commands import what they need when they run, so starting (``--help``, ``--version``) stays fast.
    """


def _register() -> None:
    # Each module adds its commands to ``app``; importing them here keeps start-up in one place.
    from rnacorpus.cli import commands  # noqa: F401


def _fail(message: str, code: int, exc: BaseException) -> None:
    from rnacorpus.cli._common import verbosity

    if verbosity() >= 2:
        traceback.print_exception(exc, file=sys.stderr)
    sys.stderr.write(f"rnacorpus: {message}\n")
    sys.stderr.flush()
    sys.exit(code)


def main() -> None:
    _register()
    try:
        app()
    except (ConfigError, ArchiveDownError) as exc:
        _fail(str(exc), 2, exc)
    except RnacorpusError as exc:
        _fail(str(exc), 1, exc)
    except KeyboardInterrupt as exc:
        _fail("interrupted", 130, exc)
    except Exception as exc:  # a bug or an unforeseen OS error: one line, the traceback with -vv
        hint = "" if _verbose_enough() else " (run again with -vv for the traceback)"
        _fail(f"internal error: {type(exc).__name__}: {exc}{hint}", 1, exc)


def _verbose_enough() -> bool:
    from rnacorpus.cli._common import verbosity

    return verbosity() >= 2
