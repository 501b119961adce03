"""Where each output column of an export comes from in a shard's block of values (:class:`ColumnMap`: by
position, or by feature name), computed once per distinct shard feature list. Split from
:mod:`.normalize` when that passed 400 lines.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ColumnMap"]


@dataclass(frozen=True)
class ColumnMap:
    """Where each output column comes from in a block of values: computed once per shard."""

    #: per output column, the input column it takes (0 where the input lacks it)
    take: npt.NDArray[np.intp]
    #: output columns the input lacks: NaN
    missing: npt.NDArray[np.bool_]
    is_identity: bool = False

    @functools.cached_property
    def missing_at(self) -> npt.NDArray[np.intp]:  # missing as indices
        return np.flatnonzero(self.missing)

    @classmethod
    def identity(cls, n: int) -> ColumnMap:
        return cls(np.arange(n, dtype=np.intp), np.zeros(n, dtype=bool), is_identity=True)

    @classmethod
    def from_positions(cls, positions: npt.NDArray[np.intp]) -> ColumnMap:
        """``positions[j]``: the input column of output column j, or -1 when the input lacks it."""
        missing = positions < 0
        return cls(np.where(missing, 0, positions).astype(np.intp), missing)

    @classmethod
    def between(cls, inputs: Sequence[str], outputs: Sequence[str]) -> ColumnMap:
        """Output column j takes the input column named ``outputs[j]`` (missing when none is); the input's
        names must be unique (else :class:`ValueError`). A dict, not pandas' ``get_indexer``: ~5 vs ~10 ms
        a 20,000-ID shard feature list (the export maps each distinct one)."""
        where = dict(zip(inputs, range(len(inputs)), strict=True))
        if len(where) != len(inputs):
            repeated = next(name for name, count in Counter(inputs).items() if count > 1)
            raise ValueError(f"feature {repeated!r} is listed more than once")
        positions = np.fromiter(map(where.get, outputs, itertools.repeat(-1)), dtype=np.intp, count=len(outputs))
        return cls.from_positions(positions)
