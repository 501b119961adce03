"""What every command shares: option definitions, config building, logging and output."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from rnacorpus.config import Config, parse_rate_limits
from rnacorpus.errors import ConfigError

CatalogOpt = Annotated[
    Path | None,
    typer.Option("--catalog", help="DuckDB catalog file [env RNACORPUS_CATALOG; ./rnacorpus.duckdb]"),
]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Parquet store: a folder or an fsspec URL (s3://bucket/prefix) [env RNACORPUS_STORE; ./rnacorpus-store]",
    ),
]
CacheOpt = Annotated[
    str | None,
    typer.Option(
        "--cache",
        help="raw download cache: a folder or an fsspec URL (s3://…) [env RNACORPUS_CACHE; ~/.cache/rnacorpus]",
    ),
]
MirrorOpt = Annotated[
    str | None, typer.Option("--mirror", help="send every archive request to this base URL, keeping its path")
]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="read only the raw cache; never touch the network")]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable JSON output")]
RetryQuarantinedOpt = Annotated[bool, typer.Option("--retry-quarantined", help="also retry every quarantined study")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", help="parallel fetch/parse workers")]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="build studies on a Dask cluster (tcp://HOST:8786; needs rnacorpus[cluster]) [env RNACORPUS_SCHEDULER]",
    ),
]
RateLimitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rate-limit",
        metavar="ARCHIVE=RATE",
        help="an archive's request limit: ARCHIVE=RATE (requests/s), ARCHIVE=RATE/BURST or ARCHIVE=off; "
        "* = every archive; repeatable; e.g. *=off for a mirror you run [env RNACORPUS_RATE_LIMITS]",
    ),
]
VerboseOpt = Annotated[int, typer.Option("-v", "--verbose", count=True, help="-v info, -vv debug logging")]


_VERBOSITY = [0]


def verbosity() -> int:
    """The ``-v`` count of the running command (0 until it set up logging)."""
    return _VERBOSITY[0]


def setup_logging(verbose: int) -> None:
    """Quiet by default: warnings only, to stderr. The library itself adds no handlers."""
    _VERBOSITY[0] = verbose
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def parse_date(text: str | None, option: str) -> dt.date | None:
    """A date option's value (ISO ``YYYY-MM-DD``), or a clear error naming the option."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"{option} expects a date like 2024-01-31, got {text!r}") from exc


def build_config(*, rate_limit: list[str] | None = None, **options: Any) -> Config:
    """The command's Config: ``RNACORPUS_*`` variables, then the options given (``None``: not given)."""
    if rate_limit:
        options["rate_overrides"] = parse_rate_limits(",".join(rate_limit))
    return Config.from_env(**options)


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=_default, ensure_ascii=False)


def emit_json(obj: Any) -> None:
    sys.stdout.write(dumps(obj) + "\n")


def emit_json_lines(rows: Iterable[Any]) -> None:
    for row in rows:
        sys.stdout.write(dumps(row) + "\n")
    sys.stdout.flush()
