"""Harmonize once per distinct value: bounded caches for the pure decisions.

A corpus of 10^6 samples holds few distinct ``(organism, key, value)`` triples, so every decision
that is a pure function of its inputs and of the pinned references is computed once and reused:
field detection per key, value → terms per ``(organism, key, value)``, age parsing, one-phrase
ontology matches, unit labels, and a sample's whole set of decisions per distinct evidence.

Each cache is an :func:`functools.lru_cache` (bounded, thread-safe) whose key starts with
:func:`harmonization_salt` — the ontology release key, the digest of the curated tables and
:data:`RULES_VERSION` — so a decision cached under one set of references is never served under
another. Cached values are shared between callers: they are frozen dataclasses, or
:class:`~rnacorpus.schemas.Annotation` objects that callers must treat as read-only (copy with
``model_copy(update=…)`` to change one, as the conflict resolution does).

``with memoization(False):`` runs the plain code path; a test compares both over the corpus.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

__all__ = ["RULES_VERSION", "clear_caches", "harmonization_salt", "memoization", "memoization_enabled", "memoize"]

#: bump when a harmonization rule changes what a value yields; part of the salt and of the
#: curation stamp, so studies harvested under older rules are re-harmonized on the next run
RULES_VERSION = "2"

P = ParamSpec("P")
R = TypeVar("R")

_state = threading.local()
_clearers: list[Callable[[], None]] = []


def memoization_enabled() -> bool:
    return bool(getattr(_state, "enabled", True))


@contextlib.contextmanager
def memoization(enabled: bool) -> Iterator[None]:
    """Turn the caches on or off for the current thread (the unmemoized path is the reference)."""
    before = memoization_enabled()
    _state.enabled = enabled
    try:
        yield
    finally:
        _state.enabled = before


@functools.cache
def harmonization_salt() -> str:
    """Ontology release key + curated-table digest + rules version: what every cached answer rests on."""
    from rnacorpus.harmonize.ontology.curated import curation_stamp
    from rnacorpus.harmonize.ontology.releases import release_key

    return f"{release_key()};{curation_stamp()};rules={RULES_VERSION}"


def memoize(maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a pure function's answers (arguments must be hashable), keyed with the salt."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.lru_cache(maxsize=maxsize)
        def cached(salt: str, *args: Any, **kwargs: Any) -> R:
            return function(*args, **kwargs)

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if not memoization_enabled():
                return function(*args, **kwargs)
            return cached(harmonization_salt(), *args, **kwargs)  # type: ignore[arg-type]

        wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
        _clearers.append(cached.cache_clear)
        return wrapper

    return decorate


def clear_caches() -> None:
    """Empty every harmonization cache (tests; a long-lived process after swapping references)."""
    for clear in _clearers:
        clear()
