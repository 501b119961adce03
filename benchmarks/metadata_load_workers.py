"""The metadata-load benchmark's in-process measurements, each run by ``bench_metadata_load.py --worker``.

``geoparse`` is the baseline (GEOparse's parse of the same files, parse only), ``new-catalog`` what a
run pays before its first study (``start_run`` on a new catalog, then again), ``stages`` the CPU per
sample of each step (parse, harmonize, package, commit) in one process without HTTP. Each returns
one JSON-able dict.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

__all__ = ["geoparse_parse", "new_catalog_start", "stage_cpu"]


def geoparse_parse(paths: list[str]) -> dict[str, Any]:
    import logging
    import tempfile

    import GEOparse

    logging.getLogger("GEOparse").setLevel(logging.ERROR)
    started = time.perf_counter()
    samples = 0
    for path in paths:
        samples += len(GEOparse.get_GEO(filepath=path, silent=True, destdir=tempfile.gettempdir()).gsms)
    return {"seconds": time.perf_counter() - started, "samples": samples}


def new_catalog_start(folder: str) -> dict[str, Any]:
    """What a run pays before its first study: ``start_run`` on a new catalog, then on that catalog again."""
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.runs import finish_run
    from rnacorpus.config import Config
    from rnacorpus.pipeline.harvest import start_run

    root = Path(folder)
    config = Config(catalog_path=root / "catalog.duckdb", store_dir=root / "store", cache_dir=root / "cache")
    started, cpu = time.perf_counter(), time.process_time()
    start_run(config, "bench-new", "harvest")
    new, new_cpu = time.perf_counter() - started, time.process_time() - cpu
    size = config.catalog_path.stat().st_size
    with writer(config.catalog_path) as con:  # the run ends as a harvest's would, so the next is a plain start
        finish_run(con, "bench-new", status="ok", counts={}, details={})
    started = time.perf_counter()
    start_run(config, "bench-again", "harvest")
    return {"new": new, "new_cpu": new_cpu, "again": time.perf_counter() - started, "bytes": size}


def stage_cpu(folder: str, batch: int, *paths: str) -> dict[str, Any]:
    """CPU per sample of each step, one process, no HTTP: parse, harmonize (plan), write the load
    package, commit (``batch`` packages per transaction); the collector tuned as a run tunes it."""
    from rnacorpus.catalog.connection import writer
    from rnacorpus.catalog.load import commit_packages
    from rnacorpus.catalog.package import open_package, remove_package, write_package
    from rnacorpus.catalog.store import ExpressionStore
    from rnacorpus.config import Config
    from rnacorpus.fileio import sha256_file
    from rnacorpus.harvester.base import FetchedStudy, StudyRef, get_source
    from rnacorpus.harvester.http import HttpClient
    from rnacorpus.pipeline.executor import collect_less
    from rnacorpus.pipeline.harvest import start_run
    from rnacorpus.pipeline.plan import build_load_plan
    from rnacorpus.schemas import SourceFile

    root = Path(folder)
    config = Config(catalog_path=root / "catalog.duckdb", store_dir=root / "store", cache_dir=root / "cache")
    start_run(config, "bench-stages", "harvest")
    source = get_source("geo", HttpClient(config), config)
    store = ExpressionStore(config.store_dir)
    cpu = dict.fromkeys(("parse", "harmonize", "package", "commit"), 0.0)
    samples, ready = 0, []
    with writer(config.catalog_path) as con, collect_less():
        for k, path in enumerate(paths):
            file = Path(path)
            accession = file.name.split("_", 1)[0]
            size = file.stat().st_size
            item = SourceFile(url=path, path=path, sha256=sha256_file(file), size=size, role="family_soft")
            started = time.process_time()
            bundle = source.parse(FetchedStudy(StudyRef(accession=accession, source="geo"), [item]))
            parsed = time.process_time()
            plan = build_load_plan(bundle, content_sha256=f"bench-{accession}", run_id="bench-stages")
            planned = time.process_time()
            ready.append(write_package(store, plan))
            written = time.process_time()
            if len(ready) == batch or k == len(paths) - 1:
                commit_packages(con, store, [open_package(store, ref) for ref in ready], run_id="bench-stages")
                for ref in ready:
                    remove_package(store, ref.path.rsplit("/", 1)[-1])
                ready = []
            cpu["parse"] += parsed - started
            cpu["harmonize"] += planned - parsed
            cpu["package"] += written - planned
            cpu["commit"] += time.process_time() - written
            samples += len(bundle.samples)
    return {"samples": samples, "batch": batch, "ms_per_sample": {k: 1000 * v / samples for k, v in cpu.items()},
            "catalog_mb": config.catalog_path.stat().st_size / 1024**2}  # fmt: skip
