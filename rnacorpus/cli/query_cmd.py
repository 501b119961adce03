"""``rnacorpus query`` and ``rnacorpus status``: read the catalog.

``query`` answers in one of two shapes. On a terminal (the default ``--format table``) it shows the
first rows of a compact column set and how many rows match in all — a count and a short read, never
the whole result. For machines (``--json``/``--jsonl`` JSON Lines, ``--csv``, ``--format parquet``)
it streams every row, to stdout or atomically to ``--out FILE``, with memory flat in the result size.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

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
from rnacorpus.errors import ConfigError

if TYPE_CHECKING:
    import pyarrow as pa

    from rnacorpus.catalog.api import Catalog

FilterOpt = Annotated[str | None, typer.Option(help="a name, synonym or CURIE; descendants included")]
FORMATS = ("table", "jsonl", "json", "csv", "parquet")
#: rows a terminal table shows when no --limit is given
TABLE_ROWS = 20
#: the most rows a terminal table shows even with a larger --limit (use a machine format for more)
TABLE_MAX_ROWS = 1000


@app.command()
def query(
    sql: Annotated[str | None, typer.Argument(help="one SELECT statement (or use the field filters)")] = None,
    tissue: FilterOpt = None,
    disease: FilterOpt = None,
    cell_type: Annotated[str | None, typer.Option("--cell-type", help="a CL name, synonym or CURIE")] = None,
    organism: Annotated[str | None, typer.Option(help="human, mouse, a species name or taxon ID")] = None,
    assay: FilterOpt = None,
    sex: FilterOpt = None,
    development_stage: Annotated[
        str | None, typer.Option("--development-stage", help="an HsapDv/MmusDv/UBERON stage name, synonym or CURIE")
    ] = None,
    exact: Annotated[bool, typer.Option("--exact", help="match the terms themselves, not descendants")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="at most N rows (the table shows 20 without it)")] = None,
    columns: Annotated[
        str | None,
        typer.Option("--columns", help="comma-separated samples columns or aliases (tissue, age, …; 'all')"),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="table | jsonl | json | csv | parquet (parquet needs --out)")
    ] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="every row as JSON Lines (same as --json)")] = False,
    csv: Annotated[bool, typer.Option("--csv", help="every row as CSV")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="write the rows to FILE (atomically) instead of stdout")
    ] = None,
    accession: Annotated[
        str | None, typer.Option("--accession", help="any accession → its one sample (or study), all its accessions")
    ] = None,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    json_output: Annotated[bool, typer.Option("--json", help="every row as JSON Lines, streamed")] = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Run read-only SQL on the catalog, or find samples by harmonized field (ontology-aware)."""
    setup_logging(verbose)
    config = build_config(catalog_path=catalog, store_dir=store)
    chosen = _format(fmt, json_output=json_output, jsonl=jsonl, csv=csv, out=out)
    filters = {
        "tissue": tissue,
        "disease": disease,
        "cell_type": cell_type,
        "organism": organism,
        "assay": assay,
        "sex": sex,
        "development_stage": development_stage,
    }
    wanted = [c for c in (columns or "").split(",") if c.strip()] or None
    if accession is not None:
        from rnacorpus import api
        from rnacorpus.cli.resolve_render import print_resolved

        resolved = api.resolve(accession, catalog=config.catalog_path, store=store)
        emit_json(resolved) if json_output else print_resolved(resolved)
        raise typer.Exit(0 if resolved["kind"] else 1)
    if sql and any(filters.values()):
        raise ConfigError("give either SQL or field filters, not both")
    if not sql and not any(filters.values()):
        raise ConfigError("give a SQL query or at least one of --tissue/--disease/--cell-type/--organism/…")
    from rnacorpus.catalog.api import Catalog

    cat = Catalog.open(config.catalog_path, store)
    if sql:
        _sql(cat, sql, chosen, out, wanted, limit)
    else:
        _samples(cat, filters, chosen, out, wanted, limit, descendants=not exact)


def _format(fmt: str | None, *, json_output: bool, jsonl: bool, csv: bool, out: Path | None) -> str:
    picked = [name for name, on in (("jsonl", json_output or jsonl), ("csv", csv)) if on]
    if fmt is not None:
        if fmt not in FORMATS:
            raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        picked.append("jsonl" if fmt == "json" else fmt)
    if len(set(picked)) > 1:
        raise ConfigError(f"give one output format, not {' and '.join(sorted(set(picked)))}")
    chosen = picked[0] if picked else ("jsonl" if out is not None and out.suffix == ".jsonl" else "table")
    if chosen == "table" and out is not None:
        chosen = {".csv": "csv", ".parquet": "parquet"}.get(out.suffix, "jsonl")
    if chosen == "parquet" and out is None and sys.stdout.isatty():
        raise ConfigError("--format parquet writes binary: give --out FILE (or pipe stdout)")
    return chosen


@contextmanager
def _sink(out: Path | None) -> Iterator[IO[bytes]]:
    if out is None:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    from rnacorpus.fileio import atomic_write

    if out.is_dir():
        raise ConfigError(f"--out {out} is a folder; give a file name")
    with atomic_write(out) as handle:
        yield handle


def _samples(
    cat: Catalog,
    filters: dict[str, str | None],
    fmt: str,
    out: Path | None,
    wanted: Sequence[str] | None,
    limit: int | None,
    *,
    descendants: bool,
) -> None:
    if fmt != "table":
        with _sink(out) as sink:
            plan, written = cat.write_samples(
                sink, fmt, descendants=descendants, limit=limit, columns=wanted, **filters
            )
        _wrote(out, written, "sample", plan.describe())
        return
    from rnacorpus.catalog.samples_query import COLUMN_ALIASES, COMPACT_COLUMNS

    compact = wanted is None
    needed = [c for name in COMPACT_COLUMNS for c in COLUMN_ALIASES.get(name.replace(" ", "_"), (name,))]
    if compact:
        needed += ["is_log"]
    rows = min(limit if limit is not None else TABLE_ROWS, TABLE_MAX_ROWS)
    plan, head, total = cat.preview_samples(
        rows=rows, descendants=descendants, limit=limit, columns=needed if compact else wanted, **filters
    )
    if total == 0:
        _say(f"0 samples matched {plan.describe()}")
        return
    if compact:
        from rnacorpus.cli.render import print_rows

        print_rows(COMPACT_COLUMNS, [_compact_row(row) for row in head.to_pylist()])
    else:
        _print_table(head)
    shown = f"; showing the first {head.num_rows:,}" if head.num_rows < total else ""
    more = " (--limit N for more rows; --json, --csv or --format parquet --out FILE for all)" if shown else ""
    _say(f"{total:,} sample{'s' if total != 1 else ''} matched {plan.describe()}{shown}{more}")


def _compact_row(row: dict[str, Any]) -> list[Any]:
    unit = row.get("unit")
    if unit and row.get("is_log") and unit != "log2_intensity":
        unit = f"{unit} (log)"
    return [
        row["accession"],
        row["study_accession"],
        row["organism_name"],
        row["tissue_label"],
        row["disease_label"],
        row["cell_type_label"],
        row["sex_label"],
        _age(row),
        row["assay_label"],
        unit,
    ]


def _age(row: dict[str, Any]) -> str | None:
    unit = f" {row['age_unit']}" if row.get("age_unit") else ""
    if row.get("age_value") is not None:
        return f"{row['age_value']:g}{unit}"
    low, high = row.get("age_min"), row.get("age_max")
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        return f"{low:g}–{high:g}{unit}"
    return f"≥{low:g}{unit}" if low is not None else f"≤{high:g}{unit}"


def _sql(cat: Catalog, sql: str, fmt: str, out: Path | None, wanted: Sequence[str] | None, limit: int | None) -> None:
    if fmt != "table":
        with _sink(out) as sink:
            written = cat.write_sql(sql, sink, fmt, columns=wanted, limit=limit)
        _wrote(out, written, "row", None)
        return
    rows = min(limit if limit is not None else TABLE_ROWS, TABLE_MAX_ROWS)
    head, total = cat.preview_sql(sql, rows=rows, columns=wanted, limit=limit)
    if total == 0:
        _say("0 rows")
        return
    _print_table(head)
    shown = f"; showing the first {head.num_rows:,}" if head.num_rows < total else ""
    _say(f"{total:,} row{'s' if total != 1 else ''}{shown}")


def _print_table(table: pa.Table) -> None:
    from rnacorpus.cli.render import print_rows

    print_rows(table.column_names, [list(row.values()) for row in table.to_pylist()])


def _wrote(out: Path | None, written: int, noun: str, described: str | None) -> None:
    if out is None:
        return
    what = f"{written:,} {noun}{'s' if written != 1 else ''}"
    _say(f"wrote {what} to {out}" + (f" ({described})" if described else ""))


def _say(line: str) -> None:
    from rnacorpus.cli.render import say

    say(line)


@app.command()
def status(
    coverage: Annotated[bool, typer.Option("--coverage", help="per-field harmonization coverage")] = False,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """What the catalog holds: counts, mapping reports, quarantined studies, recent runs."""
    from rnacorpus import api

    setup_logging(verbose)
    config = build_config(catalog_path=catalog, store_dir=store)
    info = api.status(catalog=config.catalog_path, store=store, coverage=coverage)
    if json_output:
        emit_json(info)
        return
    from rnacorpus.cli.status_render import print_status

    print_status(info)
    sys.stdout.flush()
