"""``Catalog``: the read side of the corpus, for notebooks and the CLI alike.

>>> cat = Catalog.open("rnacorpus.duckdb")
>>> cat.sql("SELECT organism_taxid, count(*) FROM samples GROUP BY 1").to_pandas()
>>> cat.export("out/", where="library_strategy = 'RNA-Seq'")
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from rnacorpus.catalog.connection import check_user_sql, connect_reader
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.errors import ConfigError

__all__ = ["Catalog"]


class Catalog:
    def __init__(self, path: Path, store_dir: Path | None = None) -> None:
        self.path = Path(path)
        self._store_dir = Path(store_dir) if store_dir is not None else None

    @classmethod
    def open(cls, path: str | Path = "rnacorpus.duckdb", store: str | Path | None = None) -> Catalog:
        catalog = cls(Path(path), Path(store) if store is not None else None)
        if not catalog.path.exists():
            raise ConfigError(f"no catalog at {catalog.path} (run `rnacorpus harvest` first)", path=catalog.path)
        return catalog

    @property
    def store_dir(self) -> Path:
        """The expression store: as given, else as recorded by the harvest that built the catalog."""
        if self._store_dir is None:
            con = connect_reader(self.path, sandbox=False)
            try:
                self._store_dir = _recorded_store(con, self.path)
            finally:
                con.close()
        return self._store_dir

    @property
    def store(self) -> ExpressionStore:
        return ExpressionStore(self.store_dir)

    @contextlib.contextmanager
    def connect(self, *, sandbox: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection; the ``expression`` view reads every shard (when there are any).

        Sandboxed: no file access outside the expression store, configuration locked.
        """
        con = connect_reader(self.path, store_dir=self._store_dir, sandbox=False)
        try:
            if self._store_dir is None:
                self._store_dir = _recorded_store(con, self.path)
            _create_expression_view(con, self._store_dir)
            if sandbox:
                # Order matters: allowed_directories can only be set while external access is on.
                con.execute("SET allowed_directories = ?", [[str(self._store_dir.resolve()) + "/"]])
                con.execute("SET enable_external_access = false")
                con.execute("SET lock_configuration = true")
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
        descendants: bool = True,
        limit: int | None = None,
    ) -> pa.Table:
        """Samples by harmonized field (each a name or CURIE; descendants included unless told not to)."""
        from rnacorpus.catalog.samples_query import search_samples

        filters = {
            "tissue": tissue,
            "disease": disease,
            "cell_type": cell_type,
            "organism": organism,
            "assay": assay,
            "sex": sex,
            "development_stage": development_stage,
        }
        with self.connect() as con:
            return search_samples(con, filters, descendants=descendants, limit=limit)

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


def _recorded_store(con: duckdb.DuckDBPyConnection, catalog_path: Path) -> Path:
    recorded = _versions(con).get("store_dir")
    return Path(recorded) if recorded else catalog_path.parent / "rnacorpus-store"


def _versions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        rows = con.execute("SELECT key, value FROM catalog_versions").fetchall()
    except duckdb.CatalogException:
        return {}
    return {str(k): str(v) for k, v in rows}


def _create_expression_view(con: duckdb.DuckDBPyConnection, store_dir: Path) -> None:
    base = store_dir / "expression"
    if not base.exists() or not any(base.rglob("*.parquet")):
        return
    glob = str(base.resolve() / "**" / "*.parquet")
    # A view definition cannot take bound parameters; the path is our own, quoted as a literal.
    view = (
        "CREATE OR REPLACE TEMP VIEW expression AS "  # noqa: S608
        "SELECT archive, study AS study_accession, sample_accession, values, filename "
        f"FROM read_parquet('{_sql_literal(glob)}', hive_partitioning = true, filename = true)"
    )
    con.execute(view)


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")
