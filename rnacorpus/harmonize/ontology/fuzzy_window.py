"""The fuzzy match's candidates: only the names whose length lets them reach the threshold are scored.

``fuzz.ratio`` is ``100 * (1 - d / (n + m))`` for an indel distance ``d >= |n - m|`` between a value
of length ``n`` and a name of length ``m``, so the name scores at most ``200 * min(n, m) / (n + m)``.
Below a threshold ``t`` that bound rules out every name shorter than ``n * t / (200 - t)`` or longer
than ``n * (200 - t) / t`` — whatever the value, the scope or the threshold (``0 < t < 200``). At the
ontology's threshold of 90 that is most of a large scope's names (the 40,000 tissue names), which
rapidfuzz would otherwise score one by one for every value that reaches fuzzy matching.

The names are kept ordered by length once per scope (:class:`NamesByLength`); a value scores the one
slice of them its length allows (one character of slack each side for the float bounds) and the
answers are ordered as rapidfuzz orders them over the whole list — by score, then the earlier name
first — so :func:`closest` returns what ``process.extract`` over every name returns.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

__all__ = ["NamesByLength", "closest"]


@dataclass(frozen=True)
class NamesByLength:
    """A list of names ordered by length, then position: their lengths, the names, their positions."""

    lengths: list[int]
    names: list[str]
    positions: list[int]

    @classmethod
    def of(cls, names: Sequence[str]) -> NamesByLength:
        lengths = [len(name) for name in names]
        order = sorted(range(len(names)), key=lengths.__getitem__)  # stable: equal lengths keep their order
        return cls([lengths[k] for k in order], [names[k] for k in order], order)


def closest(value: str, names: NamesByLength, threshold: float, limit: int) -> list[tuple[str, float, int]]:
    """``process.extract(value, <the names in their own order>, scorer=fuzz.ratio, limit=limit,
    score_cutoff=threshold)``: ``(name, score, position)``, best first, scoring only the names whose
    length can reach ``threshold``."""
    n = len(value)
    first = bisect.bisect_left(names.lengths, math.floor(n * threshold / (200 - threshold)) - 1)
    last = bisect.bisect_right(names.lengths, math.ceil(n * (200 - threshold) / threshold) + 1)
    scored = process.extract(value, names.names[first:last], scorer=fuzz.ratio, limit=None, score_cutoff=threshold)
    found = [(name, score, names.positions[first + k]) for name, score, k in scored]
    found.sort(key=lambda hit: (-hit[1], hit[2]))
    return found[:limit]
