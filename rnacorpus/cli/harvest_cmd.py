"""``rnacorpus harvest``: discover / fetch / parse / harmonize / load studies."""

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
from rnacorpus.errors import ConfigError


@app.command()
def harvest(
    accessions: Annotated[
        list[str] | None, typer.Argument(help="study accessions: GSE…, E-MTAB-…/E-GEOD-…, SRP…/ERP…/PRJ…")
    ] = None,
    source: Annotated[
        str, typer.Option("--source", help="archive --query/--since search: geo, arrayexpress or ena")
    ] = "geo",
    query: Annotated[
        str | None, typer.Option("--query", help="the source's search text (E-utilities term for geo)")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="only series updated on/after DATE")] = None,
    until: Annotated[str | None, typer.Option("--until", help="only series updated on/before DATE")] = None,
    organism: Annotated[str | None, typer.Option("--organism", help='e.g. "Homo sapiens"')] = None,
    study_type: Annotated[
        str | None, typer.Option("--type", help='e.g. "Expression profiling by high throughput sequencing"')
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="at most N discovered series")] = None,
    retry_quarantined: RetryQuarantinedOpt = False,
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
    """Fetch studies, harmonize them and load them into the catalog (idempotent, resumable)."""
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
    if not accessions and query is None and since is None and not retry_quarantined:
        raise ConfigError("give accessions, --query/--since, or --retry-quarantined")
    from rnacorpus.harvester.head_start import head_start
    from rnacorpus.pipeline.executor import collect_less

    # the first study's big file downloads in a child process while this one imports (issue 11); the
    # cyclic collector runs as seldom as during the run from here on: the imports that follow allocate
    # enough objects for ~200 young and two full collections at the default thresholds
    with head_start(accessions or [], config), collect_less():
        if config.scheduler is None:  # local build processes: their preload runs beside what follows
            from rnacorpus.pipeline.executor import start_build_server

            start_build_server(config.workers, config.executor)
        from rnacorpus import api
        from rnacorpus.cli.render import make_progress, print_report

        report = api.harvest(
            accessions or [],
            query=query,
            since=parse_date(since, "--since"),
            until=parse_date(until, "--until"),
            organism=organism,
            study_type=study_type,
            limit=limit,
            retry_quarantined=retry_quarantined,
            source=source,
            config=config,
            progress=make_progress("harvest", enabled=not json_output),
        )
    if json_output:
        emit_json(report.to_dict())
    else:
        print_report(report)
    raise typer.Exit(report.exit_code)
