"""Sample tables parsed one step ahead, in a worker thread, while the file goes on being read.

Reading a family SOFT is two kinds of work: decompressing and scanning the text (Python, the GIL)
and turning each sample's table into numbers (Arrow's CSV reader, C++ that releases the GIL). On two
cores they overlap: :func:`read_ahead` hands each sample table to one worker thread as soon as the
scanner has it and gives the entities back **in file order**, each with its parsed table. Whatever
the consumer does with them (records, warnings, values) happens in the same order as without the
worker, and an error keeps its place: a table that fails is reported before any error further on
in the file, exactly as a sequential read would.
"""

from __future__ import annotations

import contextlib
import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

from rnacorpus.harvester.geo.soft_entities import SoftEntity

__all__ = ["Ahead", "collector_paused", "read_ahead"]

T = TypeVar("T")

#: tables parsed ahead of the one being handed back: enough to keep the workers busy while the scanner
#: holds the GIL for a while (at 4 the two workers of the 1 GB file sat idle between tables for
#: 0.5–1.3 s in all, at 8 for 0.26–0.3 s), few enough that memory holds a handful of tables (~2 MB each)
DEPTH = 8
#: worker threads: Arrow's CSV reader is the largest cost of a family SOFT (~3.4 ms of CPU per 1 MB
#: table, more than decompressing and scanning it together), so one worker alone would set the pace;
#: two keep both cores busy while the scanner and ISA-L's thread share what is left
WORKERS = 2


class Ahead(Generic[T]):
    """An entity and, when ``parse`` wanted its table, the table's parsed form."""

    __slots__ = ("_future", "entity")

    def __init__(self, entity: SoftEntity, future: Future[T] | None) -> None:
        self.entity = entity
        self._future = future

    def parsed(self) -> T | None:
        """The worker's result (its exception, if it raised one); None when it was not asked."""
        return self._future.result() if self._future is not None else None


def read_ahead(
    entities: Iterable[SoftEntity],
    parse: Callable[[SoftEntity], T],
    wanted: Callable[[SoftEntity], bool],
    *,
    depth: int = DEPTH,
    workers: int = WORKERS,
) -> Iterator[Ahead[T]]:
    """``entities`` in order; ``parse`` runs in worker threads on each entity ``wanted`` selects."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="soft-tables") as pool:
        pending: deque[Ahead[T]] = deque()
        try:
            for entity in entities:
                pending.append(Ahead(entity, pool.submit(parse, entity) if wanted(entity) else None))
                while len(pending) > depth:
                    yield pending.popleft()
        except GeneratorExit:
            for item in pending:
                if item._future is not None:
                    item._future.cancel()
            raise
        except BaseException:
            # the file is bad further on: the entities read before the bad spot are handed back first,
            # so that an error of their own is the one raised, as it would be without the worker
            while pending:
                yield pending.popleft()
            raise
        while pending:
            yield pending.popleft()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with Python's cyclic garbage collector off (on again after, if it was on).

    A family SOFT's scan keeps ~100 new objects per sample (its record, fields, characteristics) to the
    end and makes no reference cycles (a collection after the scan of a 1,000-sample file finds none),
    so a collection during it only walks the growing heap: on that file two full collections of
    ~15 and ~40 ms plus ~170 young ones, each holding the GIL that the table workers wait for. Objects
    freed by their reference counts are freed as before; only cycle detection waits for the end."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
