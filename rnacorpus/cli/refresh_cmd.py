"""``rnacorpus refresh``: the cron-friendly incremental update (one summary line, exit codes 0/1/2)."""

from __future__ import annotations

from typing import Annotated

import typer

from rnacorpus.cli import app
from rnacorpus.cli._common import (
    CacheOpt,
    CatalogOpt,
    JsonOpt,
    MirrorOpt,
    OfflineOpt,
    RateLimitOpt,
    RetryQuarantinedOpt,
    SchedulerOpt,
    StoreOpt,
    VerboseOpt,
    WorkersOpt,
    build_config,
    emit_json,
    parse_date,
    setup_logging,
)
from rnacorpus.pipeline.refresh_plan import DEFAULT_CHECK_LIMIT, DEFAULT_LAG_DAYS


@app.command()
def refresh(
    source: Annotated[
        str | None,
        typer.Option("--source", help="one archive (geo, arrayexpress, ena, biosamples); default: every one held"),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="window start (required on the first refresh of an empty catalog)"),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="window end: a backfill that leaves the watermark alone")
    ] = None,
    lag_days: Annotated[
        int, typer.Option("--lag-days", help="days re-read before the watermark (Entrez indexes late)")
    ] = DEFAULT_LAG_DAYS,
    query: Annotated[str | None, typer.Option("--query", help="limit discovery to an E-utilities term")] = None,
    organism: Annotated[str | None, typer.Option("--organism", help='limit discovery, e.g. "Homo sapiens"')] = None,
    study_type: Annotated[str | None, typer.Option("--type", help="limit discovery to a GEO series type")] = None,
    retry_quarantined: RetryQuarantinedOpt = False,
    check_withdrawn: Annotated[
        bool,
        typer.Option("--check-withdrawn", help="re-check held studies; flag those the archive no longer serves"),
    ] = False,
    check_limit: Annotated[
        int, typer.Option("--check-limit", help="at most N held studies re-checked per run (oldest-checked first)")
    ] = DEFAULT_CHECK_LIMIT,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    cache: CacheOpt = None,
    mirror: MirrorOpt = None,
    offline: OfflineOpt = False,
    rate_limit: RateLimitOpt = None,
    json_output: JsonOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Fetch what the archive changed since the last refresh; load changed studies only.

    Exit codes: 0 all good, 1 some studies failed (listed), 2 could not run (e.g. another run holds
    the catalog).
    """
    from rnacorpus import api
    from rnacorpus.cli.render import make_progress, print_report

    setup_logging(verbose)
    config = build_config(
        catalog_path=catalog,
        store_dir=store,
        cache_dir=cache,
        mirror=mirror,
        offline=offline or None,
        workers=workers,
        scheduler=scheduler,
        rate_limit=rate_limit,
    )
    report = api.refresh(
        source=source,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
        lag_days=lag_days,
        query=query,
        organism=organism,
        study_type=study_type,
        retry_quarantined=retry_quarantined,
        check_withdrawn=check_withdrawn,
        check_limit=check_limit,
        config=config,
        progress=make_progress("refresh", enabled=not json_output),
    )
    if json_output:
        emit_json(report.to_dict())
    else:
        print_report(report)
    raise typer.Exit(report.exit_code)
