"""The run loop: fetch ahead, build in a pool, commit load packages in order — one committer.

For each study, in the order the run planned them:

1. **fetch** in the driver's threads (:func:`~.worker.fetch_study`): one HTTP client, so each
   archive's rate limit holds; a study whose content key the catalog already holds stops here;
2. **build** in the executor (:func:`~.worker.build_study`: parse, harmonize, shards, load package),
   while later studies download (:class:`~.inflight.InFlight` keeps a bounded window of them);
3. **commit** in the committer's own thread, in plan order: finished studies are gathered until
   ``config.commit_batch`` of them are ready or the first has waited :data:`COMMIT_DELAY`, then
   verified and committed in as few short transactions as their overlap allows
   (:func:`rnacorpus.catalog.load.disjoint_batches`, at most ``config.commit_batch`` studies each),
   together with their run-log rows and quarantine changes; then the packages are deleted. The loop
   meanwhile goes on handing studies to the workers (:class:`_CommitThread`). A run killed meanwhile
   loses only uncommitted packages: the next run sweeps them and builds those studies again.

A package whose commit fails is committed alone, and a study that still fails is quarantined while
the rest of the run goes on.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

import duckdb

from rnacorpus.catalog.connection import WriterSession, writer
from rnacorpus.catalog.load import Applied, LoadOutcome, apply_packages, disjoint_batches, finish_applied
from rnacorpus.catalog.package import LoadPackage, open_package, remove_package, sweep_packages
from rnacorpus.catalog.runs import clear_quarantine, quarantine_error, record_item
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.harvester.base import StudyRef, get_source
from rnacorpus.harvester.http import HttpClient
from rnacorpus.pipeline.enrich import enriching_names
from rnacorpus.pipeline.executor import collect_less
from rnacorpus.pipeline.inflight import MAX_BUILD_ATTEMPTS, InFlight
from rnacorpus.pipeline.outage import OutageGuard
from rnacorpus.pipeline.report import Progress, StudyResult
from rnacorpus.pipeline.worker import StudyError, StudyManifest, StudyTask, seed_sources

__all__ = ["MAX_BUILD_ATTEMPTS", "RunOptions", "Stored", "commit_threads", "read_stored", "run_studies"]

log = logging.getLogger(__name__)

#: longest a finished study waits for others to share its commit transaction (``config.commit_batch``)
COMMIT_DELAY = 2.0


@dataclass(frozen=True)
class RunOptions:
    """How :func:`run_studies` treats each study: harvest uses the defaults; refresh revalidates every
    cached file with the archive and tombstones held studies the archive no longer serves."""

    revalidate: bool = False
    tombstone_gone: bool = False
    #: studies parsed and enriched again even when their own files are unchanged (a refresh of ENA or
    #: BioSamples found something new about them)
    force: frozenset[str] = frozenset()


class Stored(NamedTuple):
    """What the catalog already holds of a study."""

    content_key: str | None
    withdrawn: bool


def read_stored(config: Config, accessions: Sequence[str]) -> dict[str, Stored]:
    """Content hashes the catalog holds, read once per run so unchanged studies skip parsing."""
    if not config.catalog_path.exists() or not accessions:
        return {}
    with writer(config.catalog_path) as con:
        # a study folded into its twin (E-GEOD-n into GSEn) keeps its content hash in absorbed_studies
        rows = con.execute(
            "SELECT accession, content_sha256, coalesce(withdrawn, false) FROM studies "
            "WHERE accession IN (SELECT unnest(?)) UNION ALL "
            "SELECT accession, content_sha256, false FROM absorbed_studies WHERE accession IN (SELECT unnest(?))",
            [list(accessions), list(accessions)],
        ).fetchall()
    return {str(acc): Stored(str(key) if key else None, bool(gone)) for acc, key, gone in rows}


@dataclass
class _Committer:
    """The one writer: commits finished studies in order, with their run-log and quarantine rows."""

    config: Config
    store: ExpressionStore
    run_id: str
    options: RunOptions
    stored: dict[str, Stored]
    session: WriterSession

    def commit(self, manifests: list[StudyManifest]) -> list[StudyResult]:
        packages: dict[str, LoadPackage] = {}
        errors: dict[str, StudyError] = {}
        for manifest in manifests:
            if manifest.package is not None:
                try:
                    packages[manifest.accession] = open_package(self.store, manifest.package)
                except Exception as exc:  # a damaged package: quarantined at load, the rest goes on
                    errors[manifest.accession] = StudyError.from_exception(exc)
        results: list[StudyResult] = []
        try:
            for group in self._groups(manifests, packages):
                results += self._transaction(self.session.connection(), group, packages, errors)
                self.session.yield_to_readers()
        finally:
            for manifest in manifests:
                if manifest.package is not None:
                    remove_package(self.store, manifest.package.path.rsplit("/", 1)[-1])
        return results

    def _groups(self, manifests: list[StudyManifest], packages: dict[str, LoadPackage]) -> list[list[StudyManifest]]:
        """Consecutive studies per transaction: each batch of packages with the studies around it."""
        batches = disjoint_batches([packages[m.accession] for m in manifests if m.accession in packages],
                                   self.config.commit_batch)  # fmt: skip
        first = {batch[0].accession: k for k, batch in enumerate(batches)}
        groups: list[list[StudyManifest]] = [[]]
        for manifest in manifests:
            if manifest.accession in first and groups[-1] and first[manifest.accession] > 0:
                groups.append([])
            groups[-1].append(manifest)
        return [g for g in groups if g]

    def _transaction(
        self,
        con: duckdb.DuckDBPyConnection,
        group: list[StudyManifest],
        packages: dict[str, LoadPackage],
        errors: dict[str, StudyError],
    ) -> list[StudyResult]:
        batch = [packages[m.accession] for m in group if m.accession in packages and m.accession not in errors]
        con.execute("BEGIN TRANSACTION")
        try:
            applied = apply_packages(con, self.store, batch, run_id=self.run_id) if batch else Applied()
            results = [self._record(con, m, applied.outcomes.get(m.accession), errors) for m in group]
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            if len(batch) > 1:  # find the package that fails: commit them one at a time
                return [r for m in group for r in self._transaction(con, [m], packages, errors)]
            if not batch:
                raise
            log.error("%s: commit failed: %s", batch[0].accession, exc)
            errors[batch[0].accession] = StudyError.from_exception(exc)
            return self._transaction(con, group, packages, errors)
        if batch:
            finish_applied(con, self.store, applied)
        return results

    def _record(
        self,
        con: duckdb.DuckDBPyConnection,
        manifest: StudyManifest,
        outcome: LoadOutcome | None,
        errors: dict[str, StudyError],
    ) -> StudyResult:
        accession = manifest.accession
        stored = self.stored.get(accession)
        error = errors.get(accession) or manifest.error
        if error is not None and error.gone and self.options.tombstone_gone and stored is not None:
            result = _tombstone(con, accession, stored, error)
        elif error is not None:
            step = "load" if accession in errors else manifest.step
            quarantine_error(con, self.run_id, accession, step, error)
            result = StudyResult(accession, "failed", step, error.message, error.kind)
        else:
            clear_quarantine(con, accession)
            if outcome is None:
                plain = StudyResult(accession, "unchanged", "fetch")
            else:
                plain = StudyResult(accession, outcome, "load", n_samples=manifest.n_samples)
            result = _reinstated(con, accession, stored) or plain
        record_item(con, self.run_id, accession, result.outcome, result.step, result.message)
        return result


def _tombstone(con: duckdb.DuckDBPyConnection, accession: str, stored: Stored, error: StudyError) -> StudyResult:
    """The archive serves nothing of a study the catalog holds: flag it, keep its rows (exports skip it)."""
    clear_quarantine(con, accession)
    if stored.withdrawn:
        return StudyResult(accession, "unchanged", "fetch", "still withdrawn")
    con.execute("UPDATE studies SET withdrawn = true WHERE accession = ?", [accession])
    log.info("%s: the archive no longer serves it; marked withdrawn", accession)
    return StudyResult(accession, "withdrawn", "fetch", error.message, "not_found")


def _reinstated(con: duckdb.DuckDBPyConnection, accession: str, stored: Stored | None) -> StudyResult | None:
    """A study flagged withdrawn that the archive serves again is visible again (an update)."""
    if stored is None or not stored.withdrawn:
        return None
    con.execute("UPDATE studies SET withdrawn = false WHERE accession = ?", [accession])
    log.info("%s: the archive serves it again; no longer withdrawn", accession)
    return StudyResult(accession, "updated", "load", "reinstated: the archive serves it again")


@dataclass
class _Batch:
    """Finished studies waiting for their commit: one transaction per ``size`` studies (each statement
    and COMMIT has a fixed cost: at 500 samples per study, 10 studies per transaction halve the commit's
    CPU per sample), but none waits longer than :data:`COMMIT_DELAY` once it is ready."""

    size: int
    manifests: list[StudyManifest] = field(default_factory=list)
    since: float = 0.0

    def add(self, manifests: Sequence[StudyManifest]) -> None:
        if manifests and not self.manifests:
            self.since = time.monotonic()
        self.manifests += manifests

    def due(self) -> bool:
        waited = time.monotonic() - self.since
        return bool(self.manifests) and (len(self.manifests) >= self.size or waited >= COMMIT_DELAY)

    def take(self) -> list[StudyManifest]:
        taken, self.manifests = self.manifests, []
        return taken


class _CommitThread:
    """The committer's own thread. The run loop hands it batches and goes on taking, fetching and
    submitting studies while DuckDB writes: a commit of a few thousand samples takes about half a
    second, and run in the loop's thread it left the build workers without new studies meanwhile.

    Batches are committed one at a time, in the order given; at most one waits behind the one being
    committed (:meth:`submit` blocks until then), so the packages on disk stay bounded. What a commit
    raises is raised again in the loop's thread, at its next :meth:`submit`, :meth:`idle` or :meth:`join`.
    """

    def __init__(self, commit: Callable[[list[StudyManifest]], None]) -> None:
        self._commit = commit
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rnacorpus-commit")
        self._queued: deque[Future[None]] = deque()

    def submit(self, manifests: list[StudyManifest]) -> None:
        self.idle()
        while len(self._queued) >= 2:
            self._queued.popleft().result()
        self._queued.append(self._thread.submit(self._commit, manifests))

    def idle(self) -> bool:
        """True when no commit is running or waiting (the writer session is free)."""
        while self._queued and self._queued[0].done():
            self._queued.popleft().result()
        return not self._queued

    def join(self) -> None:
        while self._queued:
            self._queued.popleft().result()

    def close(self) -> None:
        """Wait for the commit that runs; drop the ones waiting (their packages are swept)."""
        self._thread.shutdown(wait=True, cancel_futures=True)


def commit_threads(config: Config) -> int | None:
    """DuckDB's threads for the run's commits: the cores the local build workers leave free (at least
    one); DuckDB's default (every core) when the builds run on a cluster.

    On a machine the builds keep busy, DuckDB's extra threads only take CPU from them: the commit of
    a batch of packages (an ``INSERT … SELECT`` from a few small Parquet files per table) gains little
    from parallel scans, and on 2 cores with 2 build processes one commit thread cut the committing
    process's CPU ~10 % (1.3 s of 12 s for 20,000 generated samples, the same rows loaded)."""
    if config.scheduler is not None:
        return None
    return max(1, (os.cpu_count() or 1) - config.workers)


def run_studies(
    refs: Sequence[StudyRef],
    *,
    config: Config,
    client: HttpClient,
    run_id: str,
    progress: Progress,
    on_result: Callable[[StudyResult], None] | None = None,
    options: RunOptions | None = None,
    on_prepared: Callable[[StudyManifest], None] | None = None,
) -> list[StudyResult]:
    """Fetch, build and commit every study of ``refs``; one result per study, in order.

    ``on_prepared`` sees each study's manifest after its work and before its commit (in this thread);
    ``progress`` and ``on_result`` see each result in the committer's thread, in order.
    When an archive stops answering (``client.outage``) the loop stops taking studies and the ones the
    outage interrupted are neither loaded nor quarantined; the caller turns ``client.outage`` into exit 2.
    """
    from rnacorpus.pipeline.plan import pipeline_salt

    opts = options or RunOptions()
    salt = pipeline_salt()
    sources = {name: get_source(name, client, config) for name in sorted({ref.source for ref in refs})}
    # the sources that enrich each study share the driver's client (and its rate limits) in this process
    seed_sources(config, {**{n: get_source(n, client, config) for n in enriching_names(config)}, **sources})
    stored = read_stored(config, [ref.accession for ref in refs])
    tasks = [
        StudyTask(
            ref,
            config,
            salt,
            s.content_key if (s := stored.get(ref.accession)) else None,
            opts.revalidate,
            force=ref.accession in opts.force,
        )
        for ref in refs
    ]
    session = WriterSession(config.catalog_path, threads=commit_threads(config))
    committer = _Committer(config, ExpressionStore(config.store_dir), run_id, opts, stored, session)
    results: list[StudyResult] = []
    progress.start(len(refs))
    # a failure that may belong to an archive going down is held until the host answers again (then it
    # is the study's own) or the breaker trips (then the study was not run: no quarantine)
    guard: OutageGuard[StudyManifest] = OutageGuard(client.breaker, lambda manifest: manifest.cause)

    def commit(manifests: list[StudyManifest]) -> None:  # in the committer's thread
        for result in committer.commit(manifests) if manifests else []:
            results.append(result)
            progress.advance(result.accession, result.outcome)
            if on_result is not None:
                on_result(result)

    batch = _Batch(config.commit_batch)
    commits = _CommitThread(commit)

    def idle() -> None:
        if commits.idle():  # the session is the committer's: given up to readers only between commits
            session.yield_to_readers()
        if batch.due():
            commits.submit(batch.take())

    pipeline = InFlight(config, sources, window=max(6, 4 * config.workers))
    own_limiter = pipeline.share_limits(client)
    try:
        with collect_less():
            for manifests in pipeline.run(tasks, stop=lambda: guard.outage is not None, idle=idle):
                for manifest in manifests:
                    if on_prepared is not None:
                        on_prepared(manifest)
                    batch.add(guard.settle(manifest))
                if batch.due():
                    commits.submit(batch.take())
            batch.add(guard.drain())
            commits.submit(batch.take())
            commits.join()
    finally:
        commits.close()
        session.close()
        if own_limiter is not None:
            client.use_limiter(own_limiter)
        pipeline.close()
        sweep_packages(committer.store)  # what no commit took (studies the outage left, failed commits)
    progress.close()
    if guard.not_run:
        log.info("not run (the archive stopped answering): %s", ", ".join(m.accession for m in guard.not_run))
    return results
