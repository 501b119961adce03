"""The seam through which a parser takes per-row evidence for a later step without importing it.

A parser that streams a matrix sample by sample holds each row in cache once; unit detection
(:mod:`rnacorpus.harmonize.units.row_evidence`) can judge the row right there instead of reading the
whole matrix back. The harvester must not import harmonize (layers: harvester → schemas ←
harmonize), so the judge is installed by whoever runs both — the pipeline — with
:func:`judging_rows`, and the parser reads it with :func:`current_row_judge` when it starts (then
hands it to its own worker threads, which do not inherit context variables). Without a judge the
parser takes no evidence and the unit step reads the matrix, with the same result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["RowJudge", "RowJudgement", "current_row_judge", "judging_rows"]


class RowJudgement(Protocol):
    """What a judge says of one row; this layer reads only the row width it was taken at."""

    @property
    def width(self) -> int: ...


RowJudge = Callable[[npt.NDArray[np.float32]], RowJudgement]

_JUDGE: ContextVar[RowJudge | None] = ContextVar("rnacorpus_row_judge", default=None)


@contextlib.contextmanager
def judging_rows(judge: RowJudge) -> Iterator[None]:
    """Parsers started inside take ``judge``'s evidence of every row they stream."""
    token = _JUDGE.set(judge)
    try:
        yield
    finally:
        _JUDGE.reset(token)


def current_row_judge() -> RowJudge | None:
    return _JUDGE.get()
