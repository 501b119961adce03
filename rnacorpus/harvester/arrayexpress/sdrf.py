"""The SDRF of a MAGE-TAB study → one record per source (sample), however many rows it spans.

An SDRF row is one path source → extract → labelled extract → assay → files; a source appears on as
many rows as it has extracts, channels, technical replicates, runs or files. Rows are grouped by
``Source Name``: a source's ``Characteristics`` and attributes are one set of values, its assays,
labels, files, comments and factor values the union over its rows, in first-seen order.

Malformed input is an error naming the file and line (the study is quarantined, the run goes on):

- no ``Source Name`` column (the header line);
- a row with more or fewer cells than the header (ragged), beyond trailing empty cells;
- a row with an empty ``Source Name``;
- one ``Source Name`` given different characteristics on two rows (two materials under one name) —
  the error names both lines and the column.

What is only odd is recorded as a warning (``ParseIssue``): characteristics of a later node (an
extract) that differ between a source's rows, factor values that differ between them (kept, all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rnacorpus.errors import ParseError
from rnacorpus.harvester.arrayexpress.sdrf_columns import BIOMATERIAL_NODES, DATA_FILE_NODES, Column, classify_header
from rnacorpus.harvester.arrayexpress.text import DecodedText, read_magetab, rows
from rnacorpus.schemas import ParseIssue

__all__ = ["SdrfTable", "SourceRecord", "Value", "parse_sdrf", "read_sdrf"]

#: cells that mean "nothing here" in legacy SDRFs
_EMPTY = frozenset({"", "null", "NULL", "Null"})


@dataclass(frozen=True)
class Value:
    """A value with its qualifiers: ``54`` + unit ``year``; ``Homo sapiens`` + NCBITaxon term."""

    name: str
    value: str
    unit: str | None = None
    term_source: str | None = None
    term_accession: str | None = None

    @property
    def text(self) -> str:
        return f"{self.value} {self.unit}" if self.unit else self.value


@dataclass
class SourceRecord:
    name: str
    line: int
    lines: list[int] = field(default_factory=list)
    #: characteristics of the source and, where its rows agree, of its later biomaterial nodes
    characteristics: list[Value] = field(default_factory=list)
    #: attributes of the source node (``material type``, ``description``, ``provider`` …) → value
    attributes: dict[str, str] = field(default_factory=dict)
    #: every other column's distinct non-empty values across the source's rows (header → values)
    columns: dict[str, list[str]] = field(default_factory=dict)
    factors: dict[str, list[Value]] = field(default_factory=dict)
    #: (kind, name, url) of each data file its rows name (raw, processed, raw_matrix …)
    files: list[tuple[str, str, str | None]] = field(default_factory=list)

    def column_values(self, *headers: str) -> list[str]:
        wanted = {h.lower().replace(" ", "") for h in headers}
        out: list[str] = []
        for header, values in self.columns.items():
            if header.lower().replace(" ", "") in wanted:
                out += [v for v in values if v not in out]
        return out


@dataclass
class SdrfTable:
    columns: list[Column]
    sources: list[SourceRecord]
    n_rows: int
    issues: list[ParseIssue] = field(default_factory=list)
    encoding: str = "utf-8"


def _node_of(columns: list[Column]) -> list[int]:
    """Index of the node column each column belongs to (-1 before the first node)."""
    owner, current = [], -1
    for column in columns:
        if column.kind == "node":
            current = column.index
        owner.append(current)
    return owner


def _qualified(columns: list[Column], cells: list[str], start: int) -> tuple[str | None, str | None, str | None, int]:
    """Unit / Term Source REF / Term Accession Number cells right after a value column."""
    unit = source = accession = None
    index = start + 1
    while index < len(columns) and columns[index].kind in ("unit", "term_source", "term_accession"):
        cell = cells[index] if cells[index] not in _EMPTY else None
        if columns[index].kind == "unit":
            unit = cell
        elif columns[index].kind == "term_source":
            source = cell
        else:
            accession = cell
        index += 1
    return unit, source, accession, index


class _Reader:
    def __init__(self, columns: list[Column], path: str, accession: str | None) -> None:
        self.columns = columns
        self.owner = _node_of(columns)
        self.path = path
        self.accession = accession
        nodes = {c.index: c.name for c in columns if c.kind == "node"}
        self.node_type = {c.index: nodes.get(self.owner[c.index], "") for c in columns}
        self.source_col = next(c.index for c in columns if c.kind == "node" and c.name == "source")
        self.sources: dict[str, SourceRecord] = {}
        self.first_values: dict[tuple[str, int], tuple[str, int]] = {}
        self.issues: list[ParseIssue] = []

    def error(self, message: str, line: int) -> ParseError:
        return ParseError(message, accession=self.accession, path=self.path, line=line)

    def add_row(self, line: int, cells: list[str]) -> None:
        name = cells[self.source_col]
        if name in _EMPTY:
            raise self.error(f"empty Source Name (column {self.source_col + 1})", line)
        record = self.sources.get(name)
        if record is None:
            record = self.sources[name] = SourceRecord(name=name, line=line)
        record.lines.append(line)
        index = 0
        while index < len(self.columns):
            column = self.columns[index]
            cell = cells[index]
            if column.kind in ("characteristic", "factor", "parameter"):
                unit, source, term, index = _qualified(self.columns, cells, index)
                if cell not in _EMPTY:
                    self._value(record, column, Value(column.name, cell, unit, source, term), line)
                continue
            if column.kind == "node" and column.name in DATA_FILE_NODES and cell not in _EMPTY:
                url = self._file_url(cells, index)
                if (column.name, cell, url) not in record.files:
                    record.files.append((column.name, cell, url))
            elif column.kind == "attribute" and self.node_type[index] == "source" and cell not in _EMPTY:
                self._check_same(record, column, cell, line)
                record.attributes.setdefault(column.name, cell)
            if cell not in _EMPTY and column.kind not in ("unit", "term_source", "term_accession"):
                seen = record.columns.setdefault(column.header, [])
                if cell not in seen:
                    seen.append(cell)
            index += 1

    def _file_url(self, cells: list[str], index: int) -> str | None:
        for later in self.columns[index + 1 :]:
            if later.kind != "comment":
                break
            cell = cells[later.index]
            if cell not in _EMPTY and "://" in cell:
                return cell
        return None

    def _value(self, record: SourceRecord, column: Column, value: Value, line: int) -> None:
        if column.kind == "factor":
            listed = record.factors.setdefault(column.name, [])
            if value not in listed:
                listed.append(value)
            return
        if column.kind == "parameter":
            seen = record.columns.setdefault(column.header, [])
            if value.text not in seen:
                seen.append(value.text)
            return
        node = self.node_type[column.index]
        if node == "source":
            self._check_same(record, column, value.text, line)
        elif node not in BIOMATERIAL_NODES:
            return
        if value not in record.characteristics:
            record.characteristics.append(value)

    def _check_same(self, record: SourceRecord, column: Column, text: str, line: int) -> None:
        key = (record.name, column.index)
        first = self.first_values.setdefault(key, (text, line))
        if first[0] != text:
            raise self.error(
                f"Source Name {record.name!r} is given {column.header} = {first[0]!r} on line {first[1]} "
                f"and {text!r} here: two materials under one name",
                line,
            )

    def finish(self) -> list[SourceRecord]:
        for record in self.sources.values():
            record.characteristics = _agreeing(record, self.issues, self.path)
            for name, values in record.factors.items():
                if len(values) > 1:
                    self.issues.append(
                        ParseIssue(
                            code="factor_value_varies",
                            message=f"source {record.name!r}: Factor Value[{name}] differs between its rows "
                            f"({', '.join(v.text for v in values)}); all kept",
                            path=self.path,
                            line=record.line,
                        )
                    )
        return list(self.sources.values())


def _agreeing(record: SourceRecord, issues: list[ParseIssue], path: str) -> list[Value]:
    """One value per characteristic name: a later node's characteristic that varies is reported."""
    by_name: dict[str, list[Value]] = {}
    for value in record.characteristics:
        by_name.setdefault(value.name.lower(), []).append(value)
    kept: list[Value] = []
    for values in by_name.values():
        texts = list(dict.fromkeys(v.text for v in values))
        if len(texts) > 1:
            issues.append(
                ParseIssue(
                    code="characteristic_varies",
                    message=f"source {record.name!r}: Characteristics[{values[0].name}] differs between its "
                    f"rows ({', '.join(texts)}); the source's own value is kept",
                    path=path,
                    line=record.line,
                )
            )
        kept.append(values[0])
    return kept


def parse_sdrf(text: DecodedText, *, path: str = "sdrf", accession: str | None = None) -> SdrfTable:
    lines: Iterable[tuple[int, list[str]]] = rows(text)
    try:
        header_line, header = next(iter(lines))
    except StopIteration:
        raise ParseError("empty SDRF: no header line", accession=accession, path=path, line=1) from None
    while header and not header[-1]:
        header.pop()
    columns = [classify_header(i, cell) for i, cell in enumerate(header)]
    if not any(c.kind == "node" and c.name == "source" for c in columns):
        raise ParseError("no Source Name column in the SDRF header", accession=accession, path=path, line=header_line)
    reader = _Reader(columns, path, accession)
    n_rows = 0
    for line, cells in lines:
        if len(cells) > len(columns):
            extra = cells[len(columns) :]
            if any(cell not in _EMPTY for cell in extra):
                raise reader.error(f"{len(cells)} cells but the header has {len(columns)} columns", line)
            cells = cells[: len(columns)]
        if len(cells) < len(columns):
            raise reader.error(f"{len(cells)} cells but the header has {len(columns)} columns", line)
        reader.add_row(line, cells)
        n_rows += 1
    issues = reader.issues
    if text.fallback_lines:
        issues.insert(0, _encoding_issue(text, path))
    return SdrfTable(columns, reader.finish(), n_rows, issues, text.encoding)


def _encoding_issue(text: DecodedText, path: str) -> ParseIssue:
    shown = ", ".join(str(n) for n in text.fallback_lines[:10])
    more = f" and {len(text.fallback_lines) - 10} more" if len(text.fallback_lines) > 10 else ""
    return ParseIssue(
        code="encoding_fallback",
        message=f"lines {shown}{more} are not UTF-8; read as Windows-1252 (Latin-1)",
        path=path,
        line=text.fallback_lines[0],
    )


def read_sdrf(path: str | Path, *, name: str | None = None, accession: str | None = None) -> SdrfTable:
    return parse_sdrf(read_magetab(path), path=name or Path(path).name, accession=accession)
