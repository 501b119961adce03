"""Catalog formats and the steps between them: an older catalog is upgraded in place, one format at a time.

``CATALOG_FORMAT`` (:mod:`.ddl`) is stamped in ``catalog_versions`` under ``catalog_format``. Opening a
catalog read-write (harvest, refresh and ``rnacorpus migrate`` do, under the run lock) reads it back:

- no stamp and no tables: a new catalog, created at the current format;
- the current format: nothing to migrate;
- an older format: every step of :data:`MIGRATIONS` whose target is above the stored format runs, in
  order, each in its own transaction together with its new stamp, so a crash between two steps
  leaves a catalog at a known format that the next open continues from;
- a newer format: refused — this rnacorpus is older than the catalog and would misread it.

``CREATE TABLE IF NOT EXISTS`` (run on every writer open) creates a missing table but cannot add a
column, change a key or move data: that is what a step is for. Steps are written for the shape the
previous format had, never for "whatever is there", and each is tested on a catalog file written by
the release that had that format (``tests/data/catalogs/format<N>/``). Readers never migrate: an older
catalog is refused with the command that upgrades it (:func:`require_current`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from rnacorpus.catalog.ddl import CATALOG_FORMAT
from rnacorpus.errors import ConfigError

__all__ = [
    "MIGRATIONS",
    "Migration",
    "add_column",
    "apply_migrations",
    "plan_migrations",
    "read_format",
    "require_current",
    "stored_format",
]

log = logging.getLogger(__name__)

#: the format of catalogs written before formats were stamped at all (none such were released;
#: a catalog holding tables but no stamp is read as the first format)
FIRST_FORMAT = 1


@dataclass(frozen=True)
class Migration:
    """One step: from format ``to_format - 1`` to ``to_format``."""

    to_format: int
    description: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def add_column(con: duckdb.DuckDBPyConnection, table: str, column: str, sql_type: str) -> None:
    """``ALTER TABLE … ADD COLUMN`` unless the column is there (a step re-run after a crash is harmless).

    ``table``, ``column`` and ``sql_type`` are the step's own constants, never user input.
    """
    exists = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?", [table, column]
    ).fetchone()
    if exists is None or not exists[0]:
        con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")


def _column_matches(con: duckdb.DuckDBPyConnection) -> None:
    """Format 3: where each sample's values were found in an author's file (supplementary shards).

    Rows loaded before have no such file: NULL, except that values read from GEO's own tables are
    placed by accession, which the load now records as ``match_method = 'accession'``.
    """
    for column, sql_type in (
        ("source_columns", "VARCHAR[]"),
        ("match_method", "VARCHAR"),
        ("match_confidence", "DOUBLE"),
        ("n_cells", "INTEGER"),
    ):
        add_column(con, "expression_samples", column, sql_type)
    con.execute(
        "UPDATE expression_samples SET match_method = 'accession', match_confidence = 1.0 WHERE match_method IS NULL"
    )


def _identity_step(con: duckdb.DuckDBPyConnection) -> None:
    from rnacorpus.catalog.migrate_identity import migrate_to_identity

    migrate_to_identity(con)


def _references_step(con: duckdb.DuckDBPyConnection) -> None:
    from rnacorpus.catalog.migrate_references import references_to_store

    references_to_store(con)


#: every step, in order; ``MIGRATIONS[-1].to_format`` is ``CATALOG_FORMAT`` (a test checks)
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        2,
        "one identity per physical sample: samples.sample_id, accessions, study_links, runs_sequencing, "
        "absorbed_studies, data_files, external_characteristics",
        _identity_step,
    ),
    Migration(3, "expression_samples: source_columns, match_method, match_confidence, n_cells", _column_matches),
    Migration(
        4,
        "genes, gene_synonyms, ontology_terms, ontology_closure become views over Parquet files in the store "
        "(reference_files)",
        _references_step,
    ),
)


def stored_format(con: duckdb.DuckDBPyConnection) -> int | None:
    """The format stamped in the catalog; None for a new, empty catalog."""
    row = None
    with contextlib.suppress(duckdb.CatalogException):
        row = con.execute("SELECT value FROM catalog_versions WHERE key = 'catalog_format'").fetchone()
    if row is not None:
        return int(row[0])
    tables = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'").fetchone()
    return FIRST_FORMAT if tables is not None and tables[0] else None


def read_format(path: Path) -> int | None:
    """The format of the catalog file at ``path``, read through a short read-only connection."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return stored_format(con)
    finally:
        con.close()


def plan_migrations(
    stored: int, target: int = CATALOG_FORMAT, steps: Sequence[Migration] = MIGRATIONS
) -> list[Migration]:
    """The steps that take a catalog from ``stored`` to ``target`` (pure). Refuses a downgrade or a gap."""
    if stored > target:
        raise ConfigError(
            f"catalog format {stored} is newer than this rnacorpus understands ({target}); upgrade rnacorpus"
        )
    plan = [step for step in steps if stored < step.to_format <= target]
    expected = list(range(stored + 1, target + 1))
    if [step.to_format for step in plan] != expected:
        raise ConfigError(f"no migration path from catalog format {stored} to {target}")
    return plan


def apply_migrations(
    con: duckdb.DuckDBPyConnection, path: Path, steps: Sequence[Migration] = MIGRATIONS, target: int = CATALOG_FORMAT
) -> list[Migration]:
    """Bring an existing catalog to ``target`` in place; returns the steps run (none for a new catalog)."""
    stored = stored_format(con)
    if stored is None:
        return []
    plan = plan_migrations(stored, target, steps)
    for step in plan:
        log.info("%s: migrating the catalog to format %d: %s", path, step.to_format, step.description)
        con.execute("BEGIN TRANSACTION")
        try:
            step.apply(con)
            con.execute(
                "INSERT OR REPLACE INTO catalog_versions VALUES ('catalog_format', ?, now())", [str(step.to_format)]
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return plan


def require_current(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """For readers: refuse a catalog of another format with what to do about it."""
    stored = stored_format(con)
    if stored is None or stored == CATALOG_FORMAT:
        return
    if stored > CATALOG_FORMAT:
        raise ConfigError(
            f"catalog format {stored} is newer than this rnacorpus understands ({CATALOG_FORMAT}); upgrade rnacorpus",
            path=path,
        )
    raise ConfigError(
        f"catalog format {stored} is older than this rnacorpus ({CATALOG_FORMAT}): upgrade it in place with "
        f"`rnacorpus migrate --catalog {path}` (any harvest or refresh also does)",
        path=path,
    )
