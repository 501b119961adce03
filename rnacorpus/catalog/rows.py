"""Schema records → catalog rows as Arrow tables, one table per catalog table (pure; no catalog here).

Records are validated once, where the parser builds them (pydantic, at the source boundary); from
there on they are only read. Each builder makes its columns in one pass over the records and hands
Arrow the plain lists, typed by :func:`arrow_schema` — the catalog's own DDL, read through an
in-memory DuckDB, so a column's type is written down once (in :mod:`.ddl`) and the package a worker
writes inserts into the catalog without a cast table of its own.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.ddl import SAMPLE_HARMONIZED_COLUMNS, all_ddl
from rnacorpus.schemas import ParseIssue, Platform, Sample, StudyBundle

__all__ = [
    "arrow_schema",
    "characteristics_table",
    "issues_table",
    "platforms_table",
    "rows_table",
    "samples_table",
    "study_samples_table",
    "study_table",
    "xrefs_table",
]

#: columns set when a package is committed, not when it is built (a package is a pure function of the
#: study's inputs and the versions, so the run that commits it and the moment are not in it)
COMMIT_COLUMNS = frozenset({"run_id", "loaded_at"})
_SAMPLE_RECORD_EXCLUDE = {"characteristics", "annotations"}


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)


@functools.lru_cache(maxsize=64)
def _schemas(extra: tuple[str, ...]) -> dict[str, pa.Schema]:
    con = duckdb.connect()
    try:
        for statement in all_ddl(extra):
            con.execute(statement)
        names = [str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {name: con.table(name).limit(0).to_arrow_table().schema for name in names}
    finally:
        con.close()


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of catalog table ``table`` (every registered table: core and other parts')."""
    from rnacorpus.catalog.connection import registered_ddl

    schemas = _schemas(tuple(registered_ddl()))
    try:
        return schemas[table]
    except KeyError:
        raise KeyError(f"no catalog table {table!r}; known: {', '.join(sorted(schemas))}") from None


def _table(name: str, columns: Mapping[str, Sequence[Any] | pa.Array], n_rows: int) -> pa.Table:
    """An Arrow table in ``name``'s column order; columns not given are nulls of the catalog's type."""
    schema = arrow_schema(name)
    arrays = []
    fields = []
    for field in schema:
        if field.name in COMMIT_COLUMNS:
            continue
        values = columns.get(field.name)
        if values is None:
            arrays.append(pa.nulls(n_rows, field.type))
        elif isinstance(values, pa.Array | pa.ChunkedArray):
            arrays.append(values.cast(field.type))
        else:
            arrays.append(pa.array(values, type=field.type))
        fields.append(field)
    unknown = set(columns) - set(schema.names)
    if unknown:
        raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def rows_table(name: str, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Dict rows (other parts' tables: annotations, mapping reports …) as a typed table."""
    names = arrow_schema(name).names
    present = set().union(*rows)  # the columns any row gives, in one pass over the rows
    columns = {column: [row.get(column) for row in rows] for column in names if column in present}
    return _table(name, columns, len(rows))


def study_table(bundle: StudyBundle, *, content_sha256: str) -> pa.Table:
    study = bundle.study
    row = {
        "accession": study.accession,
        "archive": study.archive,
        "title": study.title,
        "summary": study.summary,
        "last_update": study.last_update_date,
        "n_samples": len({s.accession for s in bundle.samples}),
        "overall_design": study.overall_design,
        "types": study.types,
        "submission_date": study.submission_date,
        "public_date": study.public_date,
        "pubmed_ids": study.pubmed_ids,
        "platform_accessions": study.platform_accessions,
        "organism_taxids": study.organism_taxids,
        "super_series": study.super_series,
        "sub_series": study.sub_series,
        "is_superseries": bool(study.sub_series),
        "n_samples_declared": len(study.sample_accessions),
        "content_sha256": content_sha256,
        "source_files": _json([f.__dict__ for f in bundle.files]),
        "record": study.model_dump_json(),
        "withdrawn": False,
    }
    return _table("studies", {k: [v] for k, v in row.items()}, 1)


#: ``samples`` columns read straight off the record, by attribute name where it differs
_SAMPLE_ATTRIBUTES = {
    "accession": "accession",
    "study_accession": "study_accession",
    "archive": "archive",
    "platform_accession": "platform_accession",
    "organism_taxid": "organism_taxid",
    "title": "title",
    "source_name": "source_name",
    "molecule": "molecule",
    "library_strategy": "library_strategy",
    "organism_name": "organism_name",
    "library_source": "library_source",
    "library_selection": "library_selection",
    "instrument_model": "instrument_model",
    "sample_type": "sample_type",
    "channel_count": "channel_count",
    "description": "description",
    "submission_date": "submission_date",
    "last_update": "last_update_date",
    "data_row_count_declared": "data_row_count_declared",
    "data_row_count": "data_row_count",
}


def samples_table(samples: Sequence[Sample], harmonized: Mapping[str, Mapping[str, Any]]) -> pa.Table:
    """One row per sample (first record of each accession), harmonized columns beside the deposited ones."""
    columns: dict[str, list[Any]] = {
        column: [getattr(s, attribute) for s in samples] for column, attribute in _SAMPLE_ATTRIBUTES.items()
    }
    decided = [harmonized.get(s.accession, {}) for s in samples]
    for column in SAMPLE_HARMONIZED_COLUMNS:
        columns[column] = [d.get(column) for d in decided]
    columns["record"] = [s.model_dump_json(exclude=_SAMPLE_RECORD_EXCLUDE) for s in samples]
    # each record starts as its own physical sample (the identity step renames the ones it joins), so
    # a batch of new records needs no id written after its insert
    columns["sample_id"] = columns["accession"]
    return _table("samples", columns, len(samples))


def study_samples_table(study_accession: str, sample_ids: Sequence[str]) -> pa.Table:
    columns = {"study_accession": [study_accession] * len(sample_ids), "sample_accession": sample_ids}
    return _table("study_samples", columns, len(sample_ids))


def characteristics_table(samples: Iterable[Sample]) -> pa.Table:
    accession: list[str] = []
    position: list[int] = []
    key: list[str | None] = []
    value: list[str] = []
    channel: list[int] = []
    for sample in samples:
        items = sample.characteristics
        accession += [sample.accession] * len(items)
        position += range(1, len(items) + 1)
        key += [c.key for c in items]
        value += [c.value for c in items]
        channel += [c.channel for c in items]
    columns = {"sample_accession": accession, "position": position, "key": key, "value": value, "channel": channel}
    return _table("sample_characteristics", columns, len(accession))


def platforms_table(platforms: Sequence[Platform], annotation_files: Mapping[str, tuple[str, str]]) -> pa.Table:
    """Every platform record the study carried, with its probe table's store path and sha256 (if any)."""
    files = [annotation_files.get(p.accession, (None, None)) for p in platforms]
    names = ("accession", "archive", "title", "technology", "distribution", "manufacturer", "organism_taxid",
             "data_row_count_declared", "data_row_count")  # fmt: skip
    columns: dict[str, list[Any]] = {name: [getattr(p, name) for p in platforms] for name in names}
    columns["annotation_path"] = [f[0] for f in files]
    columns["annotation_sha256"] = [f[1] for f in files]
    columns["record"] = [p.model_dump_json(exclude={"attributes"}) for p in platforms]
    return _table("platforms", columns, len(platforms))


def xrefs_table(bundle: StudyBundle) -> pa.Table:
    """Cross-references of the study and its samples; one row per (owner, database, accession)."""
    rows: dict[tuple[str, str, str], str | None] = {}
    owners: list[tuple[str, Any]] = [(bundle.study.accession, bundle.study.xrefs)]
    owners += [(sample.accession, sample.xrefs) for sample in bundle.samples]
    for accession, xrefs in owners:
        for xref in xrefs:
            rows.setdefault((accession, xref.db, xref.accession), xref.relation)
    keys = list(rows)
    columns = {
        "accession": [k[0] for k in keys],
        "db": [k[1] for k in keys],
        "xref_accession": [k[2] for k in keys],
        "relation": list(rows.values()),
        "study_accession": [bundle.study.accession] * len(keys),
    }
    return _table("xrefs", columns, len(keys))


def issues_table(study_accession: str, issues: Sequence[ParseIssue]) -> pa.Table:
    names = ("level", "code", "message", "accession", "path", "line")
    columns: dict[str, list[Any]] = {name: [getattr(i, name) for i in issues] for name in names}
    columns["study_accession"] = [study_accession] * len(issues)
    return _table("parse_issues", columns, len(issues))
