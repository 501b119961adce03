"""SOFT text → a stream of entities (``^SERIES``, ``^SAMPLE``, ``^PLATFORM`` …), one at a time.

:func:`iter_entities` enforces the structure every SOFT file must have and raises
:class:`~rnacorpus.errors.ParseError` naming accession, file and line when it does not:

* nothing but blank lines before the first ``^`` entity header;
* every ``!xxx_table_begin`` is closed by ``!xxx_table_end`` of the same kind before the next header
  or the end of the file (a missing end means a truncated file);
* a table kind fits its entity (``!sample_table_begin`` only inside ``^SAMPLE`` …);
* one entity per accession and kind; the exception is GDS SOFT, which opens ``^DATASET`` twice
  (metadata first, then the value table) — both halves are yielded and the GDS reader merges them.

Legacy 2001-era records have no ``!sample_table_begin``: after their ``#COLUMN = …`` lines the table
header and rows follow directly and run to the next header line. Those are read as tables too.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rnacorpus.errors import ParseError
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.geo.soft_lines import (
    Line,
    SoftByteReader,
    classify_line,
    decode_text,
    open_soft_bytes,
)

__all__ = ["SoftEntity", "SoftTable", "iter_entities", "strip_field_prefix"]

logger = logging.getLogger(__name__)

#: which table may appear inside which entity
_TABLE_KIND = {"SAMPLE": "sample", "PLATFORM": "platform", "ANNOTATION": "platform", "DATASET": "dataset"}
#: entities that legitimately appear twice under one name (GDS SOFT splits ^DATASET in two)
_CONTINUED_KINDS = frozenset({"DATASET", "DATABASE"})


@dataclass
class SoftTable:
    """A data table as deposited: header names and the raw tab-separated rows (not yet parsed)."""

    kind: str
    header: list[str]
    body: bytes
    begin_line: int  # line of ``!xxx_table_begin`` (or of the header row for legacy tables)
    header_line: int  # line of the header row; data rows follow it
    end_line: int | None  # line of ``!xxx_table_end``; None for legacy tables
    path: str = ""


@dataclass
class SoftEntity:
    """One ``^KIND = name`` block: its fields (prefix stripped), column descriptions and table."""

    kind: str
    name: str
    line: int
    path: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    columns: list[tuple[str, str]] = field(default_factory=list)
    table: SoftTable | None = None
    #: the record names a data table that is not in this file (MINiML ``<External-Data>`` without the .tgz)
    table_elsewhere: bool = False

    def add_field(self, deposited_name: str, value: str, line: int) -> None:
        name = _field_name(deposited_name, self.kind)
        self.fields.setdefault(name, []).append(value)
        self.field_lines.setdefault(name, line)

    def first(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None


def strip_field_prefix(name: str, kind: str) -> str:
    """``Sample_title`` in a ^SAMPLE → ``title``; ``dataset_title`` in a ^DATASET → ``title``.

    A field whose prefix is not the entity's kind keeps its full name, so nothing is lost.
    """
    prefix, sep, rest = name.partition("_")
    if sep and rest and prefix.lower() == kind.lower():
        return rest
    return name


@functools.lru_cache(maxsize=4096)
def _field_name(deposited_name: str, kind: str) -> str:
    """:func:`strip_field_prefix`, once per distinct name (a file repeats a few dozen names per record)."""
    return strip_field_prefix(deposited_name, kind)


def iter_entities(
    path: str | Path, *, accession: str | None = None, limits: CheckLimits | None = None
) -> Generator[SoftEntity, None, None]:
    """Yield the entities of a SOFT file in file order, holding at most one entity in memory.

    ``accession`` only names the study in error messages raised before the first entity header;
    ``limits``: the decompression limits (:func:`open_soft_bytes`).
    """
    reader = SoftByteReader(open_soft_bytes(path, threaded=True, limits=limits), path=str(path))
    with contextlib.closing(reader):
        yield from _EntityScanner(reader, accession).scan()


class _EntityScanner:
    def __init__(self, reader: SoftByteReader, accession: str | None) -> None:
        self._reader = reader
        self._path = reader.path
        self._accession = accession
        self._seen: dict[tuple[str, str], int] = {}

    def _error(self, message: str, line: int, entity: SoftEntity | None = None) -> ParseError:
        accession = entity.name if entity is not None else self._accession
        return ParseError(message, accession=accession, path=self._path, line=line)

    def _next_line(self) -> Line | None:
        raw = self._reader.readline()
        if raw is None:
            return None
        return classify_line(decode_text(raw), self._reader.line_no)

    def scan(self) -> Iterator[SoftEntity]:
        current: SoftEntity | None = None
        saw_content = False
        reader = self._reader
        while True:
            if current is not None and (run := reader.read_field_lines()):
                # the bulk of a metadata file: a run of ``!Name = value`` lines, split and decoded at once
                # (SoftEntity.add_field spelled out: a call per line was a tenth of this loop)
                number = reader.line_no - len(run)
                fields, first_lines, kind = current.fields, current.field_lines, current.kind
                for text in run:
                    number += 1
                    deposited, _, value = text.rstrip()[1:].partition("=")
                    name = _field_name(deposited.strip(), kind)
                    fields.setdefault(name, []).append(value.strip())
                    first_lines.setdefault(name, number)
            if (raw := reader.readline()) is None:
                break
            if current is not None and raw[:1] == b"!" and b"=" in raw:
                # the bulk of a metadata file: ``!Name = value`` inside an entity, read as
                # classify_line + _add_line would (a marker line never holds "=")
                name, _, value = decode_text(raw).rstrip()[1:].partition("=")
                current.add_field(name.strip(), value.strip(), reader.line_no)
                continue
            line = classify_line(decode_text(raw), reader.line_no)
            if line.kind == "blank":
                continue
            saw_content = True
            if line.kind == "entity":
                if current is not None:
                    yield current
                current = self._open_entity(line)
            elif current is None:
                shown = line.value if line.kind == "data" else f"{line.kind.replace('_', ' ')} {line.key}"
                raise self._error(
                    f"expected an entity header (^SERIES, ^SAMPLE, ^PLATFORM …) before this line, found {shown[:60]!r}",
                    line.number,
                )
            else:
                self._add_line(current, line)
        if current is not None:
            yield current
        elif not saw_content:
            raise self._error("the file is empty: no SOFT entity found", self._reader.line_no or 1)

    def _open_entity(self, line: Line) -> SoftEntity:
        kind, name = line.key, line.value
        if not kind:
            raise self._error("entity header '^' without a kind", line.number)
        key = (kind, name)
        if key in self._seen and kind not in _CONTINUED_KINDS:
            raise ParseError(
                f"duplicate accession: ^{kind} = {name} appears again (first at line {self._seen[key]})",
                accession=name or self._accession,
                path=self._path,
                line=line.number,
            )
        self._seen.setdefault(key, line.number)
        return SoftEntity(kind=kind, name=name, line=line.number, path=self._path)

    def _add_line(self, entity: SoftEntity, line: Line) -> None:
        if line.kind == "attribute":
            entity.add_field(line.key, line.value, line.number)
        elif line.kind == "column":
            entity.columns.append((line.key, line.value))
        elif line.kind == "table_begin":
            self._refuse_second_table(entity, line.number)
            entity.table = self._read_table(entity, line)
        elif line.kind == "table_end":
            raise self._error(f"!{line.key}_table_end without a matching !{line.key}_table_begin", line.number, entity)
        elif entity.columns and entity.table is None:
            entity.table = self._read_legacy_table(entity, line)
        else:
            raise self._error(
                f"data line outside a table in ^{entity.kind} {entity.name}: {line.value[:60]!r}",
                line.number,
                entity,
            )

    def _refuse_second_table(self, entity: SoftEntity, line: int) -> None:
        if entity.table is not None:
            raise self._error(
                f"a second data table in ^{entity.kind} {entity.name} (the first began at line "
                f"{entity.table.begin_line})",
                line,
                entity,
            )

    def _read_table(self, entity: SoftEntity, begin: Line) -> SoftTable:
        expected = _TABLE_KIND.get(entity.kind)
        if begin.key != expected:
            allowed = f"only !{expected}_table_begin is allowed there" if expected else "it has no tables"
            raise self._error(
                f"!{begin.key}_table_begin inside ^{entity.kind} {entity.name}: {allowed}",
                begin.number,
                entity,
            )
        header_raw = self._reader.readline()
        while header_raw is not None and not header_raw.strip():
            header_raw = self._reader.readline()
        if header_raw is None:
            raise self._truncated(entity, begin)
        header_line = self._reader.line_no
        if header_raw[:1] in (b"!", b"^"):  # begin immediately followed by a marker: an empty table
            self._check_end(entity, begin, classify_line(decode_text(header_raw), header_line))
            return SoftTable(begin.key, [], b"", begin.number, header_line, header_line, self._path)
        header = _split_header(header_raw)
        body = self._reader.read_table_block()
        end = self._next_line()
        if end is None:
            raise self._truncated(entity, begin)
        self._check_end(entity, begin, end)
        return SoftTable(begin.key, header, body, begin.number, header_line, end.number, self._path)

    def _check_end(self, entity: SoftEntity, begin: Line, end: Line) -> None:
        if end.kind == "table_end" and end.key == begin.key:
            return
        if end.kind == "table_end":
            message = (
                f"the {begin.key} table begun at line {begin.number} is closed by !{end.key}_table_end "
                f"(expected !{begin.key}_table_end)"
            )
        else:
            shown = f"^{end.key} = {end.value}" if end.kind == "entity" else f"!{end.key}"
            message = (
                f"the {begin.key} table begun at line {begin.number} is not closed: found {shown!r} "
                f"before !{begin.key}_table_end"
            )
        raise self._error(message, end.number, entity)

    def _truncated(self, entity: SoftEntity, begin: Line) -> ParseError:
        return self._error(
            f"the file ends inside the {begin.key} table begun at line {begin.number} "
            f"(no !{begin.key}_table_end: truncated file?)",
            self._reader.line_no,
            entity,
        )

    def _read_legacy_table(self, entity: SoftEntity, first: Line) -> SoftTable:
        logger.debug("%s: legacy table without begin marker in %s at line %d", self._path, entity.name, first.number)
        header = _split_header(first.value.encode("utf-8"))
        body = self._reader.read_table_block()
        kind = _TABLE_KIND.get(entity.kind, entity.kind.lower())
        return SoftTable(kind, header, body, first.number, first.number, None, self._path)


def _split_header(raw: bytes) -> list[str]:
    names = [name.strip() for name in decode_text(raw).rstrip("\r\n").split("\t")]
    while names and not names[-1]:  # trailing tabs after the last column name are padding
        names.pop()
    return names
