"""A study's shards written while the rest of its harmonize step runs (issue 11, Deliver 4–5).

A shard needs only its matrix, its level and (gene level) its collapse rule: the expression step
knows all three as soon as it has a matrix's units (feature level) or its gene mapping (gene
level), while the metadata step — ontology annotation, Python that holds the GIL — may run for a
second more. Parquet's encoding, the spool's reads and the collapse release the GIL, so the write
and the annotation share two cores instead of running one after the other. Measured on the 1 GB
family SOFT (``docs/benchmarks.md``, 1 GB harvest head of session 26): the harmonize step and the
write took ~1.25 + ~1.5 s of wall one after the other.

:class:`ShardsAhead` writes each shard the moment the expression step plans it (its ``start`` is
the ``on_shard`` hook of :func:`~.plan.build_load_plan`), :data:`~rnacorpus.catalog.store.SHARD_WRITERS`
at a time, with :meth:`ExpressionStore.write` — the same call, the same file, the same checksum as
:func:`~rnacorpus.catalog.package.write_package` would make. :meth:`collect` waits for them and
records each :class:`ShardInfo` on its plan (``ShardPlan.written``), so the package writer writes
only what is left. Nothing else changes: every shard is still written atomically under a name
fixed by the study's content key, and none is referenced before the driver commits the package.
When the build fails before the package is written (a harmonize error), the block waits for the
writes already running, drops those not started and deletes the shards written, so a failed study
leaves the store as it found it — unless ``discard`` is false: a build under the content key the
catalog already holds (a forced rebuild) writes the very paths committed rows point at, and those
are left as they are (same inputs, same bytes).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from rnacorpus.catalog.plan import LoadPlan, ShardPlan
from rnacorpus.catalog.store import SHARD_WRITERS, ExpressionStore, ShardInfo

__all__ = ["ShardsAhead"]

log = logging.getLogger(__name__)


class ShardsAhead:
    """``with ShardsAhead(store, archive, key) as ahead:`` then ``build_load_plan(…, on_shard=ahead.start)``
    and ``ahead.collect(plan)`` before writing the package."""

    def __init__(self, store: ExpressionStore, *, archive: str, content_key: str, discard: bool = True) -> None:
        self._store = store
        self._discard = discard
        self._archive = archive
        self._content_key = content_key
        self._pool = ThreadPoolExecutor(SHARD_WRITERS, thread_name_prefix="rnacorpus-shards-ahead")
        self._started: list[tuple[ShardPlan, Future[ShardInfo]]] = []

    def start(self, shard: ShardPlan) -> None:
        """Write ``shard`` in the background (its matrix and its source must not change from here on)."""
        future = self._pool.submit(
            self._store.write,
            shard.matrix,
            archive=self._archive,
            content_key=self._content_key,
            level=shard.level,
            collapse_rule=shard.collapse_rule,
        )
        self._started.append((shard, future))

    def collect(self, plan: LoadPlan) -> None:
        """Wait for every shard started; mark each on ``plan`` as written. The first failure, in plan
        order, is raised (as :meth:`ExpressionStore.write_all` raises it), after the others finished."""
        ours = {id(shard) for shard in plan.shards}
        failure: BaseException | None = None
        for shard, future in self._started:
            try:
                info = future.result()
            except BaseException as exc:
                failure = failure or exc
                continue
            if id(shard) in ours:
                shard.written = info
        if failure is not None:
            raise failure
        self._started.clear()  # the package writer owns them now

    def __enter__(self) -> ShardsAhead:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        # the writes running are let finish (no thread is left writing into the store after the study
        # was reported), the ones waiting are dropped
        self._pool.shutdown(wait=True, cancel_futures=True)
        if error is not None and self._discard:
            self.discard()

    def discard(self) -> None:
        """Delete the shards written ahead that no package took (the build failed before its package)."""
        for _, future in self._started:
            if future.done() and not future.cancelled() and future.exception() is None:
                path = future.result().path
                try:
                    self._store.delete(path)
                except OSError as exc:  # an orphan, then: the next sweep removes it
                    log.warning("could not delete %s, written ahead of a failed build: %s", path, exc)
        self._started.clear()
