"""Ancestor-aware sample search: ``--tissue brain`` finds hippocampus and cerebellum samples.

Each filter is a name, synonym or CURIE resolved to ontology terms (organism: a name or taxon ID);
with ``descendants`` (the default) a sample annotated with any descendant term matches, through the
``ontology_closure`` table. Filters combine with AND; values reach SQL only as bound parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.ontology_tables import field_filter
from rnacorpus.errors import ConfigError
from rnacorpus.harmonize.ontology import SAMPLE_FIELD_COLUMNS, resolve_terms
from rnacorpus.harmonize.ontology.curated import resolve_taxon

__all__ = ["SAMPLE_RESULT_COLUMNS", "filter_predicates", "search_samples"]

#: what a sample search returns: accessions and every harmonized field, ready for a training set
SAMPLE_RESULT_COLUMNS = (
    "accession",
    "study_accession",
    "platform_accession",
    "organism_taxid",
    "organism_name",
    "title",
    "source_name",
    "library_strategy",
    *SAMPLE_FIELD_COLUMNS,
    "unit",
    "is_log",
)


def _terms(field: str, value: str) -> list[str]:
    if field == "organism":
        taxid = resolve_taxon(value)
        return [str(taxid)] if taxid is not None else []
    terms = resolve_terms(field, value)
    if not terms:
        raise ConfigError(f"no ontology term matches {field} {value!r}; try a CURIE such as UBERON:0000955")
    return terms


def filter_predicates(filters: Mapping[str, str | None], *, descendants: bool) -> tuple[list[str], list[Any]]:
    predicates: list[str] = []
    params: list[Any] = []
    for field, value in filters.items():
        if value is None or value == "":
            continue
        sql, bound = field_filter(field, _terms(field, value), descendants=descendants, alias="s")
        predicates.append(sql)
        params += bound
    return predicates, params


def search_samples(
    con: duckdb.DuckDBPyConnection,
    filters: Mapping[str, str | None],
    *,
    descendants: bool = True,
    limit: int | None = None,
) -> pa.Table:
    predicates, params = filter_predicates(filters, descendants=descendants)
    where = " AND ".join(predicates) if predicates else "TRUE"
    columns = ", ".join(f"s.{c}" for c in SAMPLE_RESULT_COLUMNS)
    sql = f"SELECT {columns} FROM samples s WHERE {where} ORDER BY s.accession"  # noqa: S608 - fixed text
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return con.sql(sql, params=params).to_arrow_table()
