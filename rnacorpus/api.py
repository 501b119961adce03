"""The Python API: every CLI command is one call here, so a notebook does exactly what the CLI does.

>>> from rnacorpus import api
>>> report = api.harvest(["GSE1299"], catalog="corpus.duckdb", store="store/")
>>> api.query("SELECT count(*) FROM samples", catalog="corpus.duckdb").to_pandas()
>>> api.export("out/", catalog="corpus.duckdb", where="organism_taxid = 9606")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rnacorpus.config import Config
from rnacorpus.pipeline.report import Progress, RunReport

if TYPE_CHECKING:
    import pyarrow as pa

    from rnacorpus.catalog.api import Catalog
    from rnacorpus.catalog.export import ExportResult, verify_export
    from rnacorpus.catalog.publish import Published
    from rnacorpus.pipeline.refresh import RefreshReport

__all__ = [
    "Catalog",
    "export",
    "harvest",
    "migrate",
    "publish",
    "query",
    "refresh",
    "resolve",
    "samples",
    "status",
    "verify_export",
]

#: loaded on first use: importing this module (as every CLI command does) stays cheap
_LAZY = {"Catalog": "rnacorpus.catalog.api", "verify_export": "rnacorpus.catalog.export"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'rnacorpus.api' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def _catalog(path: str | Path, store: str | Path | None) -> Catalog:
    from rnacorpus.catalog.api import Catalog

    return Catalog.open(path, store)


def _config(config: Config | None, **overrides: Any) -> Config:
    if config is not None:
        return config.with_(**{k: v for k, v in overrides.items() if v is not None})
    return Config.from_env(**overrides)


def harvest(
    accessions: Sequence[str] = (),
    *,
    query: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    organism: str | None = None,
    study_type: str | None = None,
    limit: int | None = None,
    retry_quarantined: bool = False,
    source: str = "geo",
    config: Config | None = None,
    progress: Progress | None = None,
    **config_overrides: Any,
) -> RunReport:
    """Harvest studies (given, or found by ``source``'s search: E-utilities for ``geo``, BioStudies for
    ``arrayexpress``, the ENA portal for ``ena``) into the catalog."""
    from rnacorpus.harvester.base import DiscoveryQuery
    from rnacorpus.pipeline.harvest import harvest as run_harvest

    cfg = _config(config, **config_overrides)
    discovery = None
    if query is not None or since is not None or organism is not None or study_type is not None:
        discovery = DiscoveryQuery(
            text=query, since=since, until=until, organism=organism, study_type=study_type, limit=limit
        )
    return run_harvest(
        accessions, config=cfg, query=discovery, retry_quarantined=retry_quarantined, progress=progress, source=source
    )


def refresh(
    *,
    source: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    lag_days: int | None = None,
    query: str | None = None,
    organism: str | None = None,
    study_type: str | None = None,
    retry_quarantined: bool = False,
    check_withdrawn: bool = False,
    check_limit: int | None = None,
    config: Config | None = None,
    progress: Progress | None = None,
    **config_overrides: Any,
) -> RefreshReport:
    """Bring the catalog up to date: what each archive (or only ``source``) changed since its stored
    watermark, changed studies re-loaded, withdrawn ones flagged (see :mod:`rnacorpus.pipeline.refresh`).
    Never raises for a run that could not proceed: ``report.fatal`` says why and ``report.exit_code`` is 2."""
    from rnacorpus.pipeline.refresh import DEFAULT_CHECK_LIMIT, DEFAULT_LAG_DAYS, RefreshRequest
    from rnacorpus.pipeline.refresh import refresh as run_refresh

    request = RefreshRequest(
        source=source,
        since=since,
        until=until,
        lag_days=DEFAULT_LAG_DAYS if lag_days is None else lag_days,
        query=query,
        organism=organism,
        study_type=study_type,
        retry_quarantined=retry_quarantined,
        check_withdrawn=check_withdrawn,
        check_limit=DEFAULT_CHECK_LIMIT if check_limit is None else check_limit,
    )
    return run_refresh(request, config=_config(config, **config_overrides), progress=progress)


def query(sql: str, *, catalog: str | Path = "rnacorpus.duckdb", store: str | Path | None = None) -> pa.Table:
    """One read-only SQL query on the catalog (SELECT / EXPLAIN only)."""
    return _catalog(catalog, store).sql(sql)


def resolve(
    accession: str, *, catalog: str | Path = "rnacorpus.duckdb", store: str | Path | None = None
) -> dict[str, Any]:
    """The one sample (or study) an accession names, with all its accessions: ``rnacorpus query --accession``."""
    return _catalog(catalog, store).resolve(accession)


def export(
    out_dir: str | Path,
    *,
    catalog: str | Path = "rnacorpus.duckdb",
    store: str | Path | None = None,
    where: str | None = None,
    **options: Any,
) -> ExportResult:
    """Write a training set (Parquet + manifest.json) for the samples matching ``where``."""
    result: ExportResult = _catalog(catalog, store).export(out_dir, where=where, **options)
    return result


def status(
    *, catalog: str | Path = "rnacorpus.duckdb", store: str | Path | None = None, coverage: bool = False
) -> dict[str, Any]:
    return _catalog(catalog, store).status(coverage=coverage)


def samples(*, catalog: str | Path = "rnacorpus.duckdb", store: str | Path | None = None, **filters: Any) -> pa.Table:
    """Samples by harmonized field, ancestor-aware: ``samples(tissue="brain", organism="mouse")``."""
    return _catalog(catalog, store).samples(**filters)


def publish(to: str | Path, *, catalog: str | Path = "rnacorpus.duckdb", keep: int | None = None) -> Published:
    """Copy the catalog and a store manifest to ``to``/<run id>/, then ``to``/LATEST.json (``rnacorpus publish``).

    The store files the snapshot reads are pinned: later runs keep them. ``keep`` removes snapshots at
    ``to`` beyond the newest ``keep`` and unpins their files; those no catalog row or other pin holds
    are deleted at once when no run holds the catalog, else by the next run's start.
    """
    import dataclasses

    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.load import sweep_orphans
    from rnacorpus.catalog.pins import release_due
    from rnacorpus.catalog.publish import publish as publish_catalog
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.errors import LockedError
    from rnacorpus.pipeline.lock import run_lock

    path = Path(catalog)
    result = publish_catalog(path, to, keep=keep)
    store = ExpressionStore(result.store)
    if keep is None or not release_due(store):
        return result
    try:
        with run_lock(path, "publish --keep"), writer(path) as con:
            freed = sweep_orphans(con, store)
    except LockedError:
        return result  # a run is loading: an orphan now may be its uncommitted shard; its start sweeps later
    return dataclasses.replace(result, freed_files=len(freed))


def migrate(*, catalog: str | Path = "rnacorpus.duckdb") -> dict[str, Any]:
    """Upgrade an older catalog's format in place, under the run lock (a harvest or refresh also does).

    Returns ``{"catalog", "from_format", "to_format", "steps"}``; ``steps`` is empty when the catalog
    was already current.
    """
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.ddl import CATALOG_FORMAT
    from rnacorpus.catalog.migrations import plan_migrations, read_format
    from rnacorpus.errors import ConfigError
    from rnacorpus.pipeline.lock import run_lock

    path = Path(catalog)
    if not path.exists():
        raise ConfigError(f"no catalog at {path}", path=path)
    with run_lock(path, "migrate"):
        before = read_format(path)
        steps = plan_migrations(before) if before is not None else []
        with writer(path):
            pass  # opening read-write runs the steps (rnacorpus.catalog.migrations)
    return {
        "catalog": str(path),
        "from_format": before,
        "to_format": CATALOG_FORMAT,
        "steps": [{"to_format": s.to_format, "description": s.description} for s in steps],
    }
