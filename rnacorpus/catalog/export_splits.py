"""Split fractions (``train=0.8,val=0.1,test=0.1``) and the deterministic assignment of units to splits.

A unit's split depends only on the seed and its own key (a point in [0, 1) from sha256), never on
which other units are exported: a study stays in ``test`` when the corpus grows or the query
changes, so a newer training set cannot leak an older test set into training. The price is that a
handful of units may leave a small split empty; export warns about that (an error with ``strict``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rnacorpus.errors import ConfigError

__all__ = ["DEFAULT_SPLITS", "SplitSpec", "assign_split", "parse_splits"]

DEFAULT_SPLITS = "train=0.8,validation=0.1,test=0.1"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_DEFAULT_NAMES = ("train", "validation", "test")


@dataclass(frozen=True)
class SplitSpec:
    names: tuple[str, ...]
    fractions: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.names, self.fractions, strict=True))

    def text(self) -> str:
        return ",".join(f"{n}={f:g}" for n, f in zip(self.names, self.fractions, strict=True))


def parse_splits(value: str | Mapping[str, float] | Sequence[float]) -> SplitSpec:
    """``"train=0.8,val=0.1,test=0.1"``, a mapping, or fractions for train/validation/test."""
    if isinstance(value, str):
        pairs: list[tuple[str, float]] = []
        problem = f"--splits expects name=fraction pairs like {DEFAULT_SPLITS}, got {value!r}"
        for part in value.split(","):
            name, sep, number = part.strip().partition("=")
            try:
                pairs.append((name.strip(), float(number)))
            except ValueError:
                raise ConfigError(problem) from None
            if not sep:
                raise ConfigError(problem)
    elif isinstance(value, Mapping):
        pairs = [(str(k), float(v)) for k, v in value.items()]
    else:
        fractions = [float(v) for v in value]
        if len(fractions) > len(_DEFAULT_NAMES):
            raise ConfigError("give split names (train=0.8,…) for more than three splits")
        pairs = list(zip(_DEFAULT_NAMES, fractions, strict=False))
    names = [n for n, _ in pairs]
    fractions = [f for _, f in pairs]
    bad = [n for n in names if not _NAME.match(n)]
    if bad:
        raise ConfigError(f"split names become folder names: letters, digits, _ and - only (got {bad[0]!r})")
    if len(set(names)) != len(names):
        raise ConfigError(f"split names must be unique: {names}")
    if not pairs or any(f < 0 or f != f for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise ConfigError(f"split fractions must be non-negative and sum to 1, got {dict(pairs)}")
    return SplitSpec(tuple(names), tuple(fractions))


def assign_split(unit_key: str, spec: SplitSpec, seed: str) -> str:
    """The split of one unit: the same key and seed always give the same split."""
    digest = hashlib.sha256(f"{seed}:{unit_key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    edge = 0.0
    last = spec.names[0]
    for name, fraction in zip(spec.names, spec.fractions, strict=True):
        if fraction <= 0:
            continue
        edge += fraction
        last = name
        if point < edge:
            return name
    return last
