"""The seam through which a parser hands each spooled row to a later step as it goes, without importing it.

A parser that streams a matrix sample by sample into a :class:`~rnacorpus.schemas.ValueSpool` knows
each row long before the matrix is finished; the store can encode a shard's row groups from those
rows while the parse still runs (:mod:`rnacorpus.catalog.early_shard`) instead of after it. The
harvester must not import the catalog (layers: harvester → schemas ← catalog), so whoever runs both
— the pipeline — installs a factory with :func:`watching_rows`, and the parser asks it for a watcher
per spool with :func:`rows_watcher` (in the parser's own thread: context variables do not reach its
worker threads). Without a factory the parser spools as before and the shard is written after the
parse, with the same bytes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rnacorpus.schemas.bundle import ValueSpool

__all__ = ["RowsWatcher", "WatcherFactory", "rows_watcher", "watching_rows"]


class RowsWatcher(Protocol):
    """Told of every row a parser spools, in order; the matrix it finishes carries it along."""

    def spooled(self, sample: str, row: int, width: int) -> None:
        """``sample``'s values are row ``row`` of the spool, ``width`` floats (a row may be narrower
        than the finished matrix when later samples add features)."""


WatcherFactory = Callable[["ValueSpool"], RowsWatcher | None]

_FACTORY: ContextVar[WatcherFactory | None] = ContextVar("rnacorpus_rows_watcher", default=None)


@contextlib.contextmanager
def watching_rows(factory: WatcherFactory) -> Iterator[None]:
    """Parsers started inside tell a watcher from ``factory`` (one per spool) of every row they spool."""
    token = _FACTORY.set(factory)
    try:
        yield
    finally:
        _FACTORY.reset(token)


def rows_watcher(spool: ValueSpool) -> RowsWatcher | None:
    """A watcher for ``spool`` from the installed factory (None: nobody watches)."""
    factory = _FACTORY.get()
    return None if factory is None else factory(spool)
