"""``rnacorpus mirror DIR``: serve a folder of archive files on loopback, under the archives' URL paths.

Point the harvester at it with ``--mirror http://127.0.0.1:PORT``. Files are found by archive file
name or by content anywhere under DIR, so a folder of downloads can be served as it is.
"""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from rnacorpus.cli import app
from rnacorpus.cli._common import VerboseOpt, setup_logging

__all__ = ["mirror"]


def _stop_on_sigterm() -> None:
    """``kill`` (SIGTERM) ends the server like Ctrl-C does: cleanly, exit code 0."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@app.command("mirror")
def mirror(
    folder: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, metavar="DIR", help="folder of archive files")
    ],
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port (0: any free one)")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="address to listen on; only loopback unless you ask for another")
    ] = "127.0.0.1",
    verbose: VerboseOpt = 0,
) -> None:
    """Serve DIR on HOST:PORT under GEO's, E-utilities' and EBI's URL paths, until Ctrl-C."""
    from rnacorpus.mirror import MirrorServer

    setup_logging(verbose)
    server = MirrorServer(folder, host=host, port=port)
    studies = len(server.index.held_series())
    typer.echo(f"mirror serving {server.root} at {server.url} ({studies} studies, {len(server.index)} files)")
    _stop_on_sigterm()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a mirror is meant to stop
        server.serve_forever()
