"""Ancestor-aware sample search: ``--tissue brain`` finds hippocampus and cerebellum samples.

Each filter is a name, synonym or CURIE resolved to ontology terms by :mod:`.filter_terms`
(organism: a name or taxon ID); with ``descendants`` (the default) a sample annotated with any
descendant term matches, through the ``ontology_closure`` table. Filters combine with AND; values
reach SQL only as bound parameters, column names only from the catalog's own ``samples`` columns.

Planning is separate from running: :func:`plan_sample_query` resolves the filters and checks the
columns once; the plan's SQL then serves a full Arrow result, a count, or a stream of record batches
(the CLI writes 100k-row results without ever holding them whole).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.ddl import SAMPLE_HARMONIZED_COLUMNS
from rnacorpus.catalog.filter_terms import ResolvedFilter, resolve_filter
from rnacorpus.catalog.term_filters import field_filter
from rnacorpus.errors import ConfigError

__all__ = [
    "COLUMN_ALIASES",
    "COMPACT_COLUMNS",
    "FILTER_FIELDS",
    "SAMPLE_RESULT_COLUMNS",
    "SampleQuery",
    "count_samples",
    "filter_predicates",
    "plan_sample_query",
    "search_samples",
]

#: the fields a sample search filters on, in the order messages list them
FILTER_FIELDS = ("tissue", "disease", "cell_type", "organism", "assay", "sex", "development_stage", "cell_line")

#: unit detail kept out of the default result (it explains the unit; ``--columns`` can ask for it)
_UNIT_DETAIL = ("unit_evidence", "unit_confidence")
#: what a sample search returns by default: accessions and every harmonized field, ready for a training set
SAMPLE_RESULT_COLUMNS: tuple[str, ...] = (
    "accession",
    "study_accession",
    "platform_accession",
    "organism_taxid",
    "organism_name",
    "title",
    "source_name",
    "library_strategy",
    *(name for name in SAMPLE_HARMONIZED_COLUMNS if name not in _UNIT_DETAIL),
)

#: short names a person types for ``--columns`` → the ``samples`` columns they stand for
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "study": ("study_accession",),
    "platform": ("platform_accession",),
    "organism": ("organism_name",),
    "tissue": ("tissue_label",),
    "disease": ("disease_label",),
    "cell_type": ("cell_type_label",),
    "cell type": ("cell_type_label",),
    "sex": ("sex_label",),
    "age": ("age_value", "age_min", "age_max", "age_unit"),
    "stage": ("development_stage_label",),
    "development_stage": ("development_stage_label",),
    "assay": ("assay_label",),
    "all": SAMPLE_RESULT_COLUMNS,
}

#: the readable default of ``rnacorpus query`` with filters: one column each, age as one value
COMPACT_COLUMNS = ("accession", "study", "organism", "tissue", "disease", "cell type", "sex", "age", "assay", "unit")


@dataclass(frozen=True)
class SampleQuery:
    """A resolved sample search: the filters as applied, the columns, the SQL and its parameters."""

    filters: tuple[ResolvedFilter, ...]
    descendants: bool
    columns: tuple[str, ...]
    limit: int | None = None

    def _where(self) -> tuple[str, list[Any]]:
        predicates: list[str] = []
        params: list[Any] = []
        for item in self.filters:
            sql, bound = field_filter(item.field, item.term_ids, descendants=self.descendants, alias="s")
            predicates.append(sql)
            params += bound
        return (" AND ".join(predicates) or "TRUE"), params

    def sql(self, *, limit: int | None = None, sort: bool = False) -> tuple[str, list[Any]]:
        """Rows in catalog order (the order the samples were loaded: stable for a given catalog, and free,
        so a ``limit`` stops the scan early), or by accession with ``sort``; at most ``limit`` rows (else
        the query's own)."""
        where, params = self._where()
        columns = ", ".join(f"s.{c}" for c in self.columns)
        sql = f"SELECT {columns} FROM samples s WHERE {where}"  # noqa: S608 - checked names
        if sort:
            sql += " ORDER BY s.accession"
        cap = limit if limit is not None else self.limit
        if cap is not None:
            sql += " LIMIT ?"
            params.append(int(cap))
        return sql, params

    def count_sql(self) -> tuple[str, list[Any]]:
        """How many samples match (the query's ``limit`` aside)."""
        where, params = self._where()
        return f"SELECT count(*) FROM samples s WHERE {where}", params  # noqa: S608 - checked names

    def describe(self) -> str:
        """The filters as applied, for messages: ``tissue="brain" (UBERON:0000955 and descendants)``."""
        return ", ".join(item.describe(descendants=self.descendants) for item in self.filters)


def sample_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(row[0]) for row in con.execute("SELECT name FROM pragma_table_info('samples')").fetchall()]


def choose_columns(con: duckdb.DuckDBPyConnection, requested: Sequence[str] | None) -> tuple[str, ...]:
    """``samples`` columns for ``--columns`` names (a column, an alias such as ``tissue`` or ``age``, or
    ``all``); None gives :data:`SAMPLE_RESULT_COLUMNS`. An unknown name is a ConfigError listing them."""
    if not requested:
        return SAMPLE_RESULT_COLUMNS
    known = sample_columns(con)
    chosen: list[str] = []
    for name in requested:
        key = name.strip()
        if key in COLUMN_ALIASES:
            chosen += COLUMN_ALIASES[key]
        elif key in known:
            chosen.append(key)
        else:
            names = ", ".join([*COLUMN_ALIASES, *known])
            raise ConfigError(f"--columns: no column {key!r}; choose from {names}")
    return tuple(dict.fromkeys(chosen))


def plan_sample_query(
    con: duckdb.DuckDBPyConnection,
    filters: Mapping[str, str | None],
    *,
    descendants: bool = True,
    columns: Sequence[str] | None = None,
    limit: int | None = None,
    catalog: Path | None = None,
) -> SampleQuery:
    """Resolve every filter (organism first: it narrows development stages) and check the columns."""
    if limit is not None and limit < 0:
        raise ConfigError(f"--limit must be 0 or more, got {limit}")
    given = {field: value for field, value in filters.items() if value is not None and str(value).strip() != ""}
    unknown = sorted(set(given) - set(FILTER_FIELDS))
    if unknown:
        raise ConfigError(f"cannot filter on {', '.join(unknown)}; known: {', '.join(FILTER_FIELDS)}")
    resolved: dict[str, ResolvedFilter] = {}
    taxid: int | None = None
    if "organism" in given:
        resolved["organism"] = resolve_filter(con, "organism", str(given["organism"]), catalog=catalog)
        taxid = int(resolved["organism"].term_ids[0].split(":")[-1])
    for field in FILTER_FIELDS:
        if field in given and field != "organism":
            resolved[field] = resolve_filter(con, field, str(given[field]), organism=taxid, catalog=catalog)
    ordered = tuple(resolved[field] for field in FILTER_FIELDS if field in resolved)
    return SampleQuery(ordered, descendants, choose_columns(con, columns), limit)


def filter_predicates(
    filters: Mapping[str, str | None],
    *,
    descendants: bool,
    con: duckdb.DuckDBPyConnection | None = None,
    alias: str = "s",
) -> tuple[list[str], list[Any]]:
    """SQL predicates (on ``samples`` as ``alias``) and their parameters for ``filters``, resolved as a
    sample search resolves them (with ``con``: the catalog's own terms and labels, :mod:`.filter_terms`;
    without: the harmonizer's rules only)."""
    predicates: list[str] = []
    params: list[Any] = []
    for field, value in filters.items():
        if value is None or str(value).strip() == "":
            continue
        if con is not None:
            terms = resolve_filter(con, field, str(value)).term_ids
        else:
            terms = tuple(_harmonizer_terms(field, str(value)))
        sql, bound = field_filter(field, terms, descendants=descendants, alias=alias)
        predicates.append(sql)
        params += bound
    return predicates, params


def _harmonizer_terms(field: str, value: str) -> list[str]:
    from rnacorpus.harmonize.ontology import resolve_terms

    terms = resolve_terms(field, value)
    if not terms:
        raise ConfigError(f"no ontology term matches --{field.replace('_', '-')} {value!r}")
    return terms


def search_samples(
    con: duckdb.DuckDBPyConnection,
    filters: Mapping[str, str | None],
    *,
    descendants: bool = True,
    limit: int | None = None,
    columns: Sequence[str] | None = None,
    catalog: Path | None = None,
    sort: bool = False,
) -> pa.Table:
    plan = plan_sample_query(con, filters, descendants=descendants, columns=columns, limit=limit, catalog=catalog)
    sql, params = plan.sql(sort=sort)
    return con.sql(sql, params=params).to_arrow_table()


def count_samples(
    con: duckdb.DuckDBPyConnection,
    filters: Mapping[str, str | None],
    *,
    descendants: bool = True,
    catalog: Path | None = None,
) -> int:
    plan = plan_sample_query(con, filters, descendants=descendants, catalog=catalog)
    sql, params = plan.count_sql()
    return int(con.execute(sql, params).fetchall()[0][0])
