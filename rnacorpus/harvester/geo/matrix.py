"""GEO series matrix files (``GSE…_series_matrix.txt.gz``, ``GSE…-GPL…_series_matrix.txt.gz``).

Layout: ``!Series_*`` lines (one quoted value each), ``!Sample_*`` lines (one quoted value per
sample, several lines for repeated fields such as ``!Sample_characteristics_ch1``), then the value
table between ``!series_matrix_table_begin`` and ``!series_matrix_table_end`` whose first row is
``"ID_REF"`` plus one column per GSM. The same field names as SOFT, so the same record rules apply.
An empty table (begin directly followed by end, or a header row only — SRA-type series) gives no
matrix and no error.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Collection
from pathlib import Path

from rnacorpus.errors import ParseError
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.geo.soft_entities import SoftEntity, SoftTable, strip_field_prefix
from rnacorpus.harvester.geo.soft_lines import SoftByteReader, decode_text, open_soft_bytes
from rnacorpus.harvester.geo.soft_records import IssueLog, build_sample, build_study
from rnacorpus.harvester.geo.tables import read_numeric_columns, unique_column_names
from rnacorpus.schemas import ExpressionMatrix, ExpressionSource, Sample, StudyBundle

__all__ = ["parse_series_matrix"]

logger = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"(?P<gse>GSE\d+)(?:-(?P<gpl>GPL\d+))?_series_matrix")
_TABLE_BEGIN = b"!series_matrix_table_begin"
_TABLE_END = b"!series_matrix_table_end"


def parse_series_matrix(
    path: str | Path,
    *,
    accession: str | None = None,
    file_name: str | None = None,
    values_held: Collection[str] = (),
    limits: CheckLimits | None = None,
) -> StudyBundle:
    """One series matrix file → a bundle with the study, its samples and (when not empty) one matrix.

    ``accession`` names the series when the file does not (and in errors); ``file_name`` is the
    archive's name of the file when ``path`` is a cache path — the platform of a
    ``GSE…-GPL…_series_matrix`` file is read from it. When every sample of the table is in
    ``values_held`` (the family file already gave their values), the table is skipped unread: the
    bundle has no matrix and the samples no row counts, and memory never holds the table.
    ``limits``: the decompression limits (:func:`open_soft_bytes`).
    """
    name = file_name or Path(path).name
    reader = SoftByteReader(open_soft_bytes(path, threaded=True, limits=limits), path=str(path))
    with contextlib.closing(reader):
        scan = _MatrixScan(reader, _FILE_NAME.search(name), accession, frozenset(values_held))
        scan.run()
    return scan.bundle(name)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return text


class _MatrixScan:
    def __init__(
        self,
        reader: SoftByteReader,
        name_match: re.Match[str] | None,
        accession: str | None,
        values_held: frozenset[str] = frozenset(),
    ) -> None:
        self.reader = reader
        self.values_held = values_held
        self.values_skipped = False
        self.path = reader.path
        self.expected = accession
        self.accession = accession or (name_match.group("gse") if name_match else None)
        self.file_platform = name_match.group("gpl") if name_match else None
        self.series = SoftEntity(kind="SERIES", name=self.accession or "", line=1, path=self.path)
        self.columns: list[SoftEntity] = []
        self.width: int | None = None
        self.table: SoftTable | None = None
        self.log = IssueLog(self.path)

    def error(self, message: str, line: int) -> ParseError:
        return ParseError(message, accession=self.accession, path=self.path, line=line)

    def run(self) -> None:
        saw_content = False
        while (raw := self.reader.readline()) is not None:
            if not raw.strip():
                continue
            saw_content = True
            line_no = self.reader.line_no
            if raw.lower().rstrip().startswith(_TABLE_BEGIN):
                self._read_table(line_no)
            elif raw.lower().rstrip().startswith(_TABLE_END):
                raise self.error("!series_matrix_table_end without a matching begin", line_no)
            elif raw.startswith(b"!"):
                self._header_line(decode_text(raw), line_no)
            else:
                shown = decode_text(raw[:60])
                raise self.error(f"expected a '!Series_' / '!Sample_' line or the table, found {shown!r}", line_no)
        if not saw_content:
            raise self.error("the file is empty", max(self.reader.line_no, 1))

    def _header_line(self, text: str, line_no: int) -> None:
        key, *cells = text.rstrip("\r\n").split("\t")
        values = [_unquote(cell) for cell in cells]
        name = key[1:].strip()
        if name.lower().startswith("sample_"):
            self._sample_line(strip_field_prefix(name, "SAMPLE"), values, line_no)
            return
        field = strip_field_prefix(name, "SERIES")
        if field == "sample_id":  # one line, accessions separated by spaces
            values = [token for value in values for token in value.split()]
        for value in values or [""]:
            self.series.add_field(name, value, line_no)
        if field == "geo_accession" and values:
            self.series.name = self.accession = values[0]  # the file's own word wins; a mismatch is flagged
            if self.expected and self.expected != values[0]:
                self.log.warn(
                    "accession_mismatch",
                    f"expected {self.expected}, the file is {values[0]}",
                    accession=values[0],
                    line=line_no,
                )

    def _sample_line(self, field: str, values: list[str], line_no: int) -> None:
        while values and not values[-1] and self.width is not None and len(values) > self.width:
            values.pop()
        if self.width is None:
            self.width = len(values)
            self.columns = [SoftEntity(kind="SAMPLE", name="", line=line_no, path=self.path) for _ in values]
        if len(values) != self.width:
            raise self.error(f"!Sample_{field} has {len(values)} values but the file has {self.width} samples", line_no)
        if field == "geo_accession":
            self._refuse_repeats(values, "!Sample_geo_accession", line_no)
        for column, value in zip(self.columns, values, strict=True):
            if value:  # matrices pad repeated fields with "" for samples that have fewer of them
                column.add_field(f"Sample_{field}", value, line_no)
            if field == "geo_accession":
                column.name = value

    def _refuse_repeats(self, accessions: list[str], where: str, line_no: int) -> None:
        seen: set[str] = set()
        for accession in accessions:
            if accession and accession in seen:
                raise self.error(f"duplicate accession: {accession} appears twice in {where}", line_no)
            seen.add(accession)

    def _read_table(self, begin_line: int) -> None:
        if self.table is not None:
            raise self.error("a second !series_matrix_table_begin", begin_line)
        header_raw = self.reader.readline()
        while header_raw is not None and not header_raw.strip():
            header_raw = self.reader.readline()
        if header_raw is None:
            raise self.error(
                f"the file ends inside the table begun at line {begin_line} (truncated?)", self.reader.line_no
            )
        header_line = self.reader.line_no
        if header_raw.lower().rstrip().startswith(_TABLE_END):
            self.table = SoftTable("series_matrix", [], b"", begin_line, header_line, header_line, self.path)
            return
        header = [_unquote(cell) for cell in decode_text(header_raw).split("\t")]
        while header and not header[-1]:
            header.pop()
        self._refuse_repeats(header[1:], "the table header", header_line)
        self.values_skipped = bool(self.values_held) and set(header[1:]) <= self.values_held
        if self.values_skipped:
            self.reader.skip_table_block()
            body = b""
        else:
            body = self.reader.read_table_block()
        end = self.reader.readline()
        if end is None:
            raise self.error(
                f"the file ends inside the table begun at line {begin_line} (truncated?)", self.reader.line_no
            )
        if not end.lower().rstrip().startswith(_TABLE_END):
            shown = decode_text(end[:60])
            raise self.error(
                f"the table begun at line {begin_line} is not closed: found {shown!r}", self.reader.line_no
            )
        self.table = SoftTable("series_matrix", header, body, begin_line, header_line, self.reader.line_no, self.path)

    def bundle(self, file_name: str) -> StudyBundle:
        study = build_study(self.series, self.log)
        if not study.accession:
            raise self.error("no !Series_geo_accession and no GSE in the file name", 1)
        matrix = self._matrix(study.accession, study.types, file_name)
        rows = {accession: len(matrix.feature_ids) for accession in matrix.sample_accessions} if matrix else {}
        samples = [
            self._sample(column, study.accession, None if self.values_skipped else rows.get(column.name, 0))
            for column in self.columns
        ]
        self._check_table_samples(matrix, {sample.accession for sample in samples})
        return StudyBundle(study=study, samples=samples, expression=[matrix] if matrix else [], issues=self.log.issues)

    def _check_table_samples(self, matrix: ExpressionMatrix | None, described: set[str]) -> None:
        if matrix is None or self.table is None:
            return
        undescribed = [name for name in matrix.sample_accessions if name not in described]
        if undescribed:
            self.log.warn(
                "matrix_sample_undescribed",
                f"table columns without !Sample_ metadata: {', '.join(undescribed[:5])}",
                accession=self.accession,
                line=self.table.header_line,
            )

    def _sample(self, column: SoftEntity, study_accession: str, rows: int | None) -> Sample:
        if not column.name:
            raise self.error("a sample column without !Sample_geo_accession", column.line)
        sample = build_sample(column, study_accession=study_accession, rows_read=rows, log=self.log)
        declared = sample.data_row_count_declared
        if declared is not None and rows is not None and declared != rows:
            code = "table_rows_below_declared" if rows < declared else "table_rows_above_declared"
            self.log.warn(
                code,
                f"{rows} matrix rows for this sample, {declared} declared in data_row_count",
                accession=sample.accession,
                line=self.table.end_line if self.table else None,
            )
        return sample

    def _matrix(self, study_accession: str, types: list[str], file_name: str) -> ExpressionMatrix | None:
        table = self.table
        if table is None or len(table.header) < 2 or not table.body.strip():
            return None
        names = unique_column_names(table.header)
        columns = read_numeric_columns(table, names[1:], accession=study_accession, quoted=True, names=names)
        platforms = {column.first("platform_id") for column in self.columns} - {None}
        platform = self.file_platform or (platforms.pop() if len(platforms) == 1 else None)
        by_array = any("by array" in kind.lower() for kind in types)
        source = ExpressionSource(
            study_accession=study_accession,
            platform_accession=platform,
            kind="series_matrix",
            file=file_name,
            value_column="VALUE",
            feature_id_kind="probe" if by_array else "unknown",
            n_samples=len(names) - 1,
            n_features=len(columns.ids),
        )
        return ExpressionMatrix(
            source=source,
            sample_accessions=table.header[1:],
            feature_ids=columns.ids.to_pylist(),
            values=columns.values,
        )
