"""Spellings of a tissue word the normalizer's English forms miss, rewritten without the index:
Latin and irregular plurals and eponyms written without the apostrophe. :mod:`.tissue_forms` tries
each rewrite through UBERON's names (moved out of it to keep it under the module size limit)."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["latin_singulars", "possessives"]

_WORD = re.compile(r"[A-Za-z]+")
_MIN_STEM = 4
#: plural → singular endings, each tried on one word at a time
_LATIN_PLURALS = (("ices", "ex"), ("ices", "ix"), ("ides", "is"), ("ae", "a"), ("as", "a"), ("i", "us"), ("a", "um"))


def latin_singulars(text: str) -> Iterator[str]:
    """Latin and irregular plurals the normalizer's English singular misses: ``hippocampi``, ``uteri``,
    ``thymi`` (-i → -us), ``tibiae`` (-ae → -a), ``corneas`` (-as → -a), ``septa`` (-a → -um),
    ``cortices``/``cervices`` (-ices → -ex/-ix), ``epididymides`` (-ides → -is); one word at a time."""
    words = _WORD.findall(text)
    for i, word in enumerate(words):
        lower = word.lower()
        for plural, singular in _LATIN_PLURALS:
            if lower.endswith(plural) and len(lower) - len(plural) >= _MIN_STEM - 1:
                yield " ".join([*words[:i], lower[: -len(plural)] + singular, *words[i + 1 :]])


def possessives(text: str) -> Iterator[str]:
    """Eponymous structures written without the apostrophe (``Peyers patches``, ``Whartons jelly``,
    ``Brunners glands``, ``Ammons horn``): a word ending in -s, not the last word, read as ``X's``."""
    words = _WORD.findall(text)
    for i, word in enumerate(words[:-1]):
        lower = word.lower()
        if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 3:
            yield " ".join([*words[:i], f"{word[:-1]}'s", *words[i + 1 :]])
