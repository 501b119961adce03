"""``Catalog``: the read side of the corpus, for notebooks and the CLI alike.

>>> cat = Catalog.open("rnacorpus.duckdb")
>>> cat.sql("SELECT organism_taxid, count(*) FROM samples GROUP BY 1").to_pandas()
>>> cat.export("out/", where="library_strategy = 'RNA-Seq'")
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog import reader_pool
from rnacorpus.catalog.connection import check_user_sql, connect_reader
from rnacorpus.catalog.references import attach_references
from rnacorpus.catalog.samples_query import SampleQuery, count_samples, plan_sample_query, search_samples
from rnacorpus.errors import ConfigError
from rnacorpus.storage import Location, parse_location

if TYPE_CHECKING:
    from rnacorpus.catalog.store import ExpressionStore

__all__ = ["Catalog"]


class Catalog:
    def __init__(self, path: Path, store_dir: Location | None = None) -> None:
        self.path = Path(path)
        self._store_dir = parse_location(store_dir) if store_dir is not None else None

    @classmethod
    def open(cls, path: str | Path = "rnacorpus.duckdb", store: str | Path | None = None) -> Catalog:
        """The catalog at ``path``; ``store`` (a folder or a URL such as ``s3://bucket/prefix``) overrides
        the store the harvest recorded."""
        catalog = cls(Path(path), store)
        if not catalog.path.exists():
            raise ConfigError(f"no catalog at {catalog.path} (run `rnacorpus harvest` first)", path=catalog.path)
        return catalog

    @property
    def store_dir(self) -> Location:
        """The expression store: as given, else as recorded by the harvest that built the catalog."""
        if self._store_dir is None:
            with self.reader() as con:
                self._store_dir = _recorded_store(con, self.path)
        return self._store_dir

    @property
    def store(self) -> ExpressionStore:
        from rnacorpus.catalog.store import ExpressionStore

        return ExpressionStore(self.store_dir)

    @contextlib.contextmanager
    def connect(
        self, *, sandbox: bool = True, settings: Mapping[str, str] | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection; the ``expression`` view reads every shard (when there are any).

        Sandboxed: no file access outside the expression store, configuration locked — ``settings``
        (DuckDB setting → value, e.g. the export's :data:`.export_memory.EXPORT_DUCKDB_SETTINGS`) are
        set before it locks.
        """
        from rnacorpus.catalog.store import ExpressionStore
        from rnacorpus.catalog.store_sql import close_sandbox, create_expression_view, register_store

        reader_pool.release(self.path)  # its sandbox settings apply to the whole database instance
        con = connect_reader(self.path, store_dir=self._store_dir, sandbox=False)
        try:
            if self._store_dir is None:
                self._store_dir = _recorded_store(con, self.path)
            store = ExpressionStore(self._store_dir)
            register_store(con, store)  # a store on object storage: DuckDB reads it through fsspec
            create_expression_view(con, store)
            for name, value in (settings or {}).items():
                con.execute(f"SET {name} = ?", [value])  # our own names, never a user's
            if sandbox:
                attach_references(con, store)  # a local store: the sandbox reads them by absolute path only
                close_sandbox(con, store)
            yield con
        finally:
            con.close()

    def versions(self) -> dict[str, str]:
        with self.connect() as con:
            return _versions(con)

    def sql(self, query: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run one read-only query (SELECT / EXPLAIN only) and return an Arrow table."""
        with self.connect() as con:
            check_user_sql(con, query)
            try:
                return con.sql(query, params=list(params) if params else None).to_arrow_table()
            except duckdb.Error as exc:
                raise ConfigError(f"query failed: {exc}") from exc

    def sample_accessions(self, where: str | None = None) -> list[str]:
        """Accessions of samples matching a SQL predicate on ``samples`` (user SQL, sandboxed)."""
        query = "SELECT accession FROM samples"
        if where:
            query += f" WHERE ({where})"
        return [str(v) for v in self.sql(query + " ORDER BY accession").column("accession").to_pylist()]

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only cursor for rnacorpus's own statements (sample searches): on a connection this
        process keeps open for a moment (:mod:`.reader_pool`), so a burst of searches reads the file
        once, and without the ``expression`` view (opening it does not list the store's shards)."""
        with reader_pool.shared_cursor(self.path, self._open_reader) as cursor:
            yield cursor

    def _open_reader(self) -> duckdb.DuckDBPyConnection:
        state = _file_state(self.path)
        con = connect_reader(self.path, plain=True, check_format=state not in _FORMAT_CHECKED)
        _FORMAT_CHECKED.add(state)
        return con

    def sample_query(
        self,
        *,
        descendants: bool = True,
        limit: int | None = None,
        columns: Sequence[str] | None = None,
        **filters: str | None,
    ) -> SampleQuery:
        """The resolved search (terms per filter, columns, SQL) without running it; ``describe()`` echoes it."""
        with self.reader() as con:
            return plan_sample_query(
                con, filters, descendants=descendants, columns=columns, limit=limit, catalog=self.path
            )

    def samples(
        self,
        *,
        tissue: str | None = None,
        disease: str | None = None,
        cell_type: str | None = None,
        organism: str | None = None,
        assay: str | None = None,
        sex: str | None = None,
        development_stage: str | None = None,
        cell_line: str | None = None,
        descendants: bool = True,
        limit: int | None = None,
        columns: Sequence[str] | None = None,
        sort: bool = False,
    ) -> pa.Table:
        """Samples by harmonized field (each a label, synonym or CURIE of that field's ontology; descendants
        included unless told not to). Rows come in catalog order — stable for a given catalog, and what
        lets ``limit`` stop early — or by accession with ``sort``. ``columns``: ``samples`` columns or
        aliases (``tissue``, ``age``, ``all``); default
        :data:`~rnacorpus.catalog.samples_query.SAMPLE_RESULT_COLUMNS`."""
        filters = {
            "tissue": tissue,
            "disease": disease,
            "cell_type": cell_type,
            "organism": organism,
            "assay": assay,
            "sex": sex,
            "development_stage": development_stage,
            "cell_line": cell_line,
        }
        with self.reader() as con:
            return search_samples(
                con, filters, descendants=descendants, limit=limit, columns=columns, catalog=self.path, sort=sort
            )

    def count(self, *, descendants: bool = True, **filters: str | None) -> int:
        """How many samples :meth:`samples` with these filters would return (one count, no rows)."""
        with self.reader() as con:
            return count_samples(con, filters, descendants=descendants, catalog=self.path)

    def preview_samples(
        self,
        *,
        rows: int,
        descendants: bool = True,
        limit: int | None = None,
        columns: Sequence[str] | None = None,
        **filters: str | None,
    ) -> tuple[SampleQuery, pa.Table, int]:
        """The first ``rows`` matching samples and how many match in all: a count and a short read, never
        the whole result (what ``rnacorpus query`` shows on a terminal)."""
        with self.reader() as con:
            plan = plan_sample_query(
                con, filters, descendants=descendants, columns=columns, limit=limit, catalog=self.path
            )
            count_sql, count_params = plan.count_sql()
            total = int(con.execute(count_sql, count_params).fetchall()[0][0])
            sql, params = plan.sql(limit=rows if limit is None else min(rows, limit))
            return plan, con.sql(sql, params=params).to_arrow_table(), total

    def write_samples(
        self,
        out: IO[bytes],
        fmt: str,
        *,
        descendants: bool = True,
        limit: int | None = None,
        columns: Sequence[str] | None = None,
        **filters: str | None,
    ) -> tuple[SampleQuery, int]:
        """Stream the matching samples to ``out`` as ``fmt`` (jsonl, csv, parquet); returns the plan and
        the rows written. Memory stays flat whatever the result size."""
        from rnacorpus.catalog.query_output import write_rows

        with self.reader() as con:
            plan = plan_sample_query(
                con, filters, descendants=descendants, columns=columns, limit=limit, catalog=self.path
            )
            sql, params = plan.sql()
            return plan, write_rows(con, sql, params, out, fmt)

    def preview_sql(
        self, query: str, *, rows: int, columns: Sequence[str] | None = None, limit: int | None = None
    ) -> tuple[pa.Table, int]:
        """The first ``rows`` rows of one read-only query and its row count, read as a stream (the rest is
        counted batch by batch, never held). ``columns``/``limit`` project and cap the query's result."""
        with self.connect() as con:
            statement = _one_query(con, query, columns, limit)
            try:
                reader = con.sql(statement).to_arrow_reader(32_768)
                head: list[pa.RecordBatch] = []
                kept = total = 0
                for batch in reader:
                    total += batch.num_rows
                    if kept < rows:
                        head.append(batch.slice(0, rows - kept))
                        kept += head[-1].num_rows
                table = pa.Table.from_batches(head, schema=reader.schema)
            except duckdb.Error as exc:
                raise ConfigError(f"query failed: {exc}") from exc
            return table, total

    def write_sql(
        self,
        query: str,
        out: IO[bytes],
        fmt: str,
        *,
        columns: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> int:
        """Stream one read-only query's rows to ``out`` as ``fmt`` (jsonl, csv, parquet)."""
        from rnacorpus.catalog.query_output import write_rows

        with self.connect() as con:
            statement = _one_query(con, query, columns, limit)
            try:
                return write_rows(con, statement, None, out, fmt)
            except duckdb.Error as exc:
                raise ConfigError(f"query failed: {exc}") from exc

    def resolve(self, accession: str) -> dict[str, Any]:
        """Any accession (GSM, SRX/SRR/SRS, SAMN/SAMEA/SAMD, an ArrayExpress source, a study) → the one
        sample (or study) the catalog keeps for it, with all its accessions and runs."""
        from rnacorpus.catalog.resolve import resolve_accession

        with self.connect() as con:
            return resolve_accession(con, accession)

    def status(self, *, coverage: bool = False) -> dict[str, Any]:
        from rnacorpus.catalog.status import catalog_status

        with self.connect() as con:
            return catalog_status(con, self.path, self.store_dir, coverage=coverage)

    def export(self, out_dir: str | Path, **options: Any) -> Any:
        from rnacorpus.catalog.export import export_training_set

        return export_training_set(self, Path(out_dir), **options)


def _one_query(
    con: duckdb.DuckDBPyConnection, query: str, columns: Sequence[str] | None = None, limit: int | None = None
) -> str:
    """One checked SELECT, ready to be wrapped as a subquery (an EXPLAIN is materialized first: it is
    small and cannot be one), projected on ``columns`` and capped at ``limit`` when given."""
    check_user_sql(con, query)
    statements = con.extract_statements(query)
    if len(statements) != 1:
        raise ConfigError(f"give one statement at a time (got {len(statements)})")
    statement = statements[0].query.strip().rstrip(";")
    if statements[0].type == duckdb.StatementType.EXPLAIN:
        con.register("_explained", con.sql(query).to_arrow_table())
        statement = "SELECT * FROM _explained"
    if not columns and limit is None:
        return statement
    if limit is not None and limit < 0:
        raise ConfigError(f"--limit must be 0 or more, got {limit}")
    try:
        names = con.sql(statement).columns
    except duckdb.Error as exc:
        raise ConfigError(f"query failed: {exc}") from exc
    unknown = [c for c in columns or () if c not in names]
    if unknown:
        raise ConfigError(
            f"--columns: the query has no column {', '.join(map(repr, unknown))}; it has {', '.join(names)}"
        )
    picks = ", ".join('"' + c.replace('"', '""') + '"' for c in columns) if columns else "*"
    capped = f" LIMIT {int(limit)}" if limit is not None else ""
    return f"SELECT {picks} FROM ({statement}) AS q{capped}"  # noqa: S608 - names checked against the result


#: catalog file states (path, mtime, size) whose format a reader already checked in this process
_FORMAT_CHECKED: set[tuple[str, int, int]] = set()


def _file_state(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (str(path), 0, 0)  # connect_reader reports the missing catalog
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _recorded_store(con: duckdb.DuckDBPyConnection, catalog_path: Path) -> Location:
    recorded = _versions(con).get("store_dir")
    return parse_location(recorded) if recorded else catalog_path.parent / "rnacorpus-store"


def _versions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        rows = con.execute("SELECT key, value FROM catalog_versions").fetchall()
    except duckdb.CatalogException:
        return {}
    return {str(k): str(v) for k, v in rows}
