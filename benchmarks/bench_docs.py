"""Benchmarks write their results into ``docs/benchmarks.md``, each between its own markers."""

from __future__ import annotations

from pathlib import Path

__all__ = ["replace_between"]


def replace_between(doc: Path, begin: str, end: str, block: str) -> None:
    """Put ``block`` (which starts with ``begin`` and ends with ``end``) where the old one was, or append it."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
