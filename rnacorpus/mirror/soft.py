"""SOFT text primitives the mirror needs: header lines, GEO dates, and entity blocks.

This is deliberately not a SOFT parser: the mirror only reads headers (``!Key = value`` lines) and
cuts whole ``^ENTITY`` blocks out of a file, streaming, so it never holds a family SOFT in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime

__all__ = [
    "TABLE_BEGIN",
    "TABLE_END",
    "entity_of",
    "geo_date",
    "iter_blocks",
    "iter_records",
    "matrix_row",
    "soft_field",
    "strip_tables",
]

_ENTITY = re.compile(r"^\^(\w+)\s*(?:=\s*(.*?))?\s*$")
_FIELD = re.compile(r"^!([^=\s]+)\s*=\s?(.*?)\s*$")
TABLE_BEGIN = re.compile(r"^!\w+_table_begin\s*$", re.IGNORECASE)
TABLE_END = re.compile(r"^!\w+_table_end\s*$", re.IGNORECASE)
_DATE_FORMATS = ("%b %d %Y", "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y")


def entity_of(line: str) -> tuple[str, str] | None:
    """``^SERIES = GSE1`` → ``("SERIES", "GSE1")``; legacy ``^SAMPLE=GSM645`` and ``^Annotation`` too."""
    match = _ENTITY.match(line)
    return (match.group(1).upper(), match.group(2) or "") if match else None


def soft_field(line: str) -> tuple[str, str] | None:
    """``!Series_title = A title`` → ``("Series_title", "A title")``; table markers are not fields."""
    if TABLE_BEGIN.match(line) or TABLE_END.match(line):
        return None
    match = _FIELD.match(line)
    return (match.group(1), match.group(2)) if match else None


def matrix_row(line: str) -> tuple[str, tuple[str, ...]] | None:
    """A series-matrix header row ``!Key<TAB>"v1"<TAB>"v2"`` → key and unquoted values."""
    if not line.startswith("!") or "\t" not in line:
        return None
    key, *cells = line.rstrip("\r\n").split("\t")
    return key[1:], tuple(cell.strip().strip('"') for cell in cells)


def geo_date(text: str | None) -> date | None:
    """GEO's dates in their several spellings (``Public on Apr 13 2004``, ``Jun 26 2008``, ISO)."""
    if not text:
        return None
    cleaned = re.sub(r"^\s*Public on\s+", "", text).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def iter_blocks(lines: Iterable[str]) -> Iterator[tuple[str, str, list[str]]]:
    """Yield ``(entity, accession, lines)`` per ``^ENTITY`` block, one block in memory at a time.

    Lines before the first entity are dropped. A block keeps its table; callers that do not want it
    filter it out with :func:`strip_tables`.
    """
    current: tuple[str, str] | None = None
    buffer: list[str] = []
    for line in lines:
        head = entity_of(line) if line.startswith("^") else None
        if head is not None:
            if current is not None:
                yield current[0], current[1], buffer
            current, buffer = head, [line]
        elif current is not None:
            buffer.append(line)
    if current is not None:
        yield current[0], current[1], buffer


def strip_tables(block: list[str]) -> list[str]:
    """A block without its data table (acc.cgi ``view=brief``)."""
    kept: list[str] = []
    in_table = False
    for line in block:
        if TABLE_BEGIN.match(line):
            in_table = True
        elif TABLE_END.match(line):
            in_table = False
        elif not in_table:
            kept.append(line)
    return kept


def iter_records(lines: Iterable[str]) -> Iterator[tuple[str, str, dict[str, list[str]]]]:
    """``(entity, accession, fields)`` per block, streaming and skipping data tables entirely."""
    current: tuple[str, str] | None = None
    fields: dict[str, list[str]] = {}
    in_table = False
    for line in lines:
        if in_table:
            in_table = not TABLE_END.match(line)
            continue
        if line.startswith("^"):
            head = entity_of(line)
            if head is not None:
                if current is not None:
                    yield current[0], current[1], fields
                current, fields = head, {}
                continue
        if TABLE_BEGIN.match(line):
            in_table = True
            continue
        parsed = soft_field(line)
        if parsed is not None and current is not None:
            fields.setdefault(parsed[0], []).append(parsed[1])
    if current is not None:
        yield current[0], current[1], fields
