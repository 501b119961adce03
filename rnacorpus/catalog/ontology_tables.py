"""Catalog tables of the ontology layer, their loads, and ancestor-aware field filters.

* ``annotations`` — one row per harmonized decision of a sample (long form, raw evidence kept);
* ``ontology_terms`` — every term a decision or a query can name, with label, scope and release;
* ``ontology_closure`` — (ancestor_id, descendant_id, distance) over is_a and part_of, self pairs
  included, so "brain and everything in it" is a plain join;
* ``ontology_releases`` — the releases the two tables above were loaded from (the stamp).

The terms and the closure are views over Parquet files in the store (:mod:`.references`). Loads are
idempotent: the files are replaced only when the pinned releases (or the curated tables) change.
Values reach SQL only as bound parameters or registered Arrow tables; :func:`field_filter` builds
predicates from a fixed column whitelist.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from rnacorpus.catalog.references import ReferencePart, install_reference, refresh_views
from rnacorpus.catalog.term_filters import FILTER_COLUMNS, field_filter
from rnacorpus.harmonize.ontology.releases import ontology_releases, release_stamp
from rnacorpus.schemas import Annotation

if TYPE_CHECKING:
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.storage import Location

__all__ = [
    "ANNOTATION_COLUMNS",
    "DDL",
    "FILTER_COLUMNS",
    "annotation_rows",
    "annotation_values",
    "field_coverage",
    "field_filter",
    "load_ontology_tables",
    "ontology_parts",
    "stored_releases",
]

log = logging.getLogger(__name__)

DDL: list[str] = [
    """
CREATE TABLE IF NOT EXISTS annotations (
    sample_accession VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    raw_key VARCHAR,
    raw_value VARCHAR,
    term_id VARCHAR,
    term_label VARCHAR,
    method VARCHAR,
    confidence DOUBLE,
    ontology_release VARCHAR,
    reason VARCHAR,
    age_value DOUBLE,
    age_min DOUBLE,
    age_max DOUBLE,
    age_unit VARCHAR,
    age_qualifier VARCHAR
)""",
    """
CREATE TABLE IF NOT EXISTS ontology_releases (
    ontology VARCHAR PRIMARY KEY,
    release VARCHAR NOT NULL,
    loaded_at TIMESTAMP DEFAULT current_timestamp
)""",
]

ANNOTATION_COLUMNS = (
    "sample_accession", "field", "raw_key", "raw_value", "term_id", "term_label", "method", "confidence",
    "ontology_release", "reason", "age_value", "age_min", "age_max", "age_unit", "age_qualifier",
)  # fmt: skip
_ANNOTATION_FIELDS: set[str] = set(ANNOTATION_COLUMNS) - {"sample_accession"}  # model_dump wants a set


def stored_releases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("SELECT ontology, release FROM ontology_releases").fetchall()
    return {str(name): str(release) for name, release in rows}


def ontology_parts() -> list[ReferencePart]:
    """The ``ontology_terms`` and ``ontology_closure`` files of the pinned releases (and curated tables)."""
    from rnacorpus.harmonize.ontology.curated import curation_stamp
    from rnacorpus.harmonize.ontology.resolve import ontology_tables

    release = f"{release_stamp()}; curation {curation_stamp()}"
    tables = functools.cache(ontology_tables)  # one build for both files
    return [
        ReferencePart("ontology_terms", "all", release, lambda: tables()[0], sort_by="term_id"),
        # sorted by ancestor so that DuckDB's zone maps prune the usual "descendants of X" scan
        ReferencePart("ontology_closure", "all", release, lambda: tables()[1], sort_by="ancestor_id"),
    ]


def load_ontology_tables(
    con: duckdb.DuckDBPyConnection,
    store_root: ExpressionStore | Location,
    *,
    force: bool = False,
    cache: Path | None = None,
) -> bool:
    """Install the terms and closure files (unless current) and the release stamp; True when anything changed.

    ``ontology_terms`` and ``ontology_closure`` are views over files in the store (:mod:`.references`);
    ``ontology_releases`` and the ``catalog_versions`` key ``ontology_release`` (the one-line stamp, for
    manifests) stay rows. Runs inside the caller's transaction when it has one.
    """
    for statement in DDL:
        con.execute(statement)
    parts = ontology_parts()
    installed = [install_reference(con, store_root, part, cache=cache) for part in parts]
    if any(installed):
        refresh_views(con, store_root, [part.view for part in parts])
    wanted = ontology_releases()
    if not force and stored_releases(con) == wanted and not any(installed):
        return False
    con.execute("DELETE FROM ontology_releases")
    con.executemany("INSERT INTO ontology_releases (ontology, release) VALUES (?, ?)", list(wanted.items()))
    tables = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'catalog_versions'")
    if tables.fetchall() != [(0,)]:
        con.execute("INSERT OR REPLACE INTO catalog_versions VALUES ('ontology_release', ?, now())", [release_stamp()])
    log.info("ontology references %s installed", release_stamp())
    return True


def annotation_values(annotation: Annotation) -> dict[str, Any]:
    """One decision's ``annotations`` columns, but the sample's (the same for every sample it decides)."""
    return annotation.model_dump(include=_ANNOTATION_FIELDS)


def annotation_rows(sample_accession: str, annotations: Iterable[Annotation]) -> list[dict[str, Any]]:
    """Rows for ``annotations`` (the loader replaces a sample's rows as a whole)."""
    return [{"sample_accession": sample_accession, **annotation_values(annotation)} for annotation in annotations]


def field_coverage(con: duckdb.DuckDBPyConnection, fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Per field, samples whose decision has a term (mapped), has none (unmapped), or that have no decision
    (absent)."""
    chosen = list(fields or ("tissue", "cell_type", "cell_line", "disease", "sex", "age", "development_stage", "assay"))
    total_row = con.execute("SELECT count(*) FROM samples").fetchone()
    total = int(total_row[0]) if total_row else 0
    rows = con.execute(
        """
        SELECT field,
               count(DISTINCT sample_accession) FILTER (
                   WHERE term_id IS NOT NULL OR (field = 'age' AND method = 'parsed')) AS mapped,
               count(DISTINCT sample_accession) AS seen
        FROM annotations WHERE field IN (SELECT unnest(?::VARCHAR[])) GROUP BY field
        """,
        [chosen],
    ).fetchall()
    counts = {str(name): (int(mapped), int(seen)) for name, mapped, seen in rows}
    report = []
    for name in chosen:
        mapped, seen = counts.get(name, (0, 0))
        report.append(
            {
                "field": name,
                "mapped": mapped,
                "unmapped": seen - mapped,
                "absent": total - seen,
                "total": total,
            }
        )
    return report
