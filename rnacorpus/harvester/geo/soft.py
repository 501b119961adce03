"""GEO SOFT readers: family SOFT, single GSM/GPL records (acc.cgi ``form=text``), GPL annotation.

Public API::

    parse_family_soft(path, *, accession=None, file_name=None, limits=None) -> StudyBundle
    parse_soft_records(path, *, study_accession=None, file_name=None, limits=None) -> SoftRecords
    read_platform_table(path, *, accession=None, limits=None) -> tuple[Platform, pyarrow.Table]
    iter_entities(path, *, accession=None, limits=None) -> Iterator[SoftEntity]   (the streaming layer under them)

``file_name`` is the archive's name of the file when ``path`` is a cache path; it names the
expression source (default: the name of ``path``). ``limits`` are the decompression limits the user
configured (:meth:`rnacorpus.harvester.checks.CheckLimits.from_config`; default: the library's).

Everything streams: one entity (and at most one data table) is in memory at a time; sample VALUE
columns go straight to one spooled float32 matrix per platform on disk (:mod:`.expression`), so
memory stays flat whatever the number of samples. GDS SOFT
(``^DATASET``) has its own reader in :mod:`.gds`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from rnacorpus.errors import ParseError
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.geo.expression import PlatformValues
from rnacorpus.harvester.geo.soft_ahead import Ahead, collector_paused, read_ahead
from rnacorpus.harvester.geo.soft_entities import SoftEntity, iter_entities
from rnacorpus.harvester.geo.soft_records import (
    IssueLog,
    build_platform,
    build_sample,
    build_study,
    feature_id_kind,
)
from rnacorpus.harvester.geo.tables import ValueColumn, read_value_column, table_to_arrow
from rnacorpus.schemas import (
    BundleMatrix,
    ExpressionSource,
    ParseIssue,
    Platform,
    Sample,
    Study,
    StudyBundle,
)
from rnacorpus.schemas.row_judge import RowJudge, RowJudgement, current_row_judge

__all__ = [
    "SoftRecords",
    "iter_entities",
    "parse_family_soft",
    "parse_soft_records",
    "read_platform_table",
]

logger = logging.getLogger(__name__)

VALUE_COLUMN = "VALUE"
_PLATFORM_KINDS = frozenset({"PLATFORM", "ANNOTATION"})


@dataclass
class SoftRecords:
    """Everything one SOFT file holds, whatever mix of series, platforms and samples it is."""

    path: str
    studies: list[Study] = field(default_factory=list)
    platforms: list[Platform] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    expression: list[BundleMatrix] = field(default_factory=list)
    platform_tables: dict[str, pa.Table] = field(default_factory=dict)
    issues: list[ParseIssue] = field(default_factory=list)


def parse_soft_records(
    path: str | Path,
    *,
    study_accession: str | None = None,
    file_name: str | None = None,
    limits: CheckLimits | None = None,
) -> SoftRecords:
    """Read any SOFT file of series / platform / sample entities (family files, acc.cgi output,
    concatenated ``^SAMPLE`` blocks, GPL SOFT, documentation examples).

    Each sample's ``study_accession`` is, in order: ``study_accession``; the file's only ``^SERIES``;
    the sample's first ``!Sample_series_id``; the sample's own accession.
    """
    # the judge is read here, in the caller's context: the read-ahead threads do not inherit it
    read = functools.partial(_read_sample_values, judge=current_row_judge())
    collector = _Collector(str(path), study_accession, file_name=file_name, read=read)
    with (
        collector_paused(),
        contextlib.closing(iter_entities(path, accession=study_accession, limits=limits)) as entities,
    ):
        for item in read_ahead(entities, read, _has_sample_table):
            collector.add(item.entity, item)
    return collector.finish()


def _has_sample_table(entity: SoftEntity) -> bool:
    return entity.kind == "SAMPLE" and entity.table is not None and bool(entity.table.header)


@dataclass(frozen=True)
class _SampleValues:
    column: ValueColumn
    #: the unit step's per-row evidence, taken on ``column.values`` as they are (the spool keeps them
    #: so when the sample's IDs are in the matrix's feature order, as they nearly always are)
    evidence: RowJudgement | None


def _read_sample_values(entity: SoftEntity, judge: RowJudge | None = None) -> _SampleValues | None:
    """Runs in the read-ahead worker: the sample table's IDs and VALUE column (None: no VALUE column),
    with the unit evidence of its values, taken here while they are in cache (the unit step would
    otherwise read the whole matrix back from disk for it)."""
    assert entity.table is not None
    column = read_value_column(entity.table, VALUE_COLUMN, accession=entity.name)
    if column is None:
        return None
    return _SampleValues(column, None if judge is None else judge(column.values))


def parse_family_soft(
    path: str | Path,
    *,
    accession: str | None = None,
    file_name: str | None = None,
    limits: CheckLimits | None = None,
) -> StudyBundle:
    """A family SOFT (``GSE…_family.soft.gz``) → one :class:`StudyBundle`.

    A file with several ``^SERIES`` blocks (a GPL family file) needs ``accession``; the bundle then
    keeps the samples that series declares or that name it in ``!Sample_series_id``.
    """
    records = parse_soft_records(path, study_accession=accession, file_name=file_name, limits=limits)
    study = _select_study(records, accession)
    samples: list[Sample] = records.samples
    expression: list[BundleMatrix] = list(records.expression)
    if len(records.studies) > 1:
        samples = [s for s in samples if _belongs_to(s, study)]
        expression = [_only_samples(matrix, {s.accession for s in samples}) for matrix in expression]
        expression = [matrix for matrix in expression if matrix.sample_accessions]
    log = IssueLog(records.path, list(records.issues))
    present = {sample.accession for sample in samples}
    for declared in study.sample_accessions:
        if declared not in present:
            log.warn(
                "declared_sample_missing",
                f"{study.accession} lists {declared} in !Series_sample_id but the file has no ^SAMPLE for it",
                accession=declared,
                line=None,
            )
    return StudyBundle(
        study=study,
        platforms=records.platforms,
        samples=samples,
        expression=expression,
        platform_tables=records.platform_tables,
        issues=log.issues,
    )


def read_platform_table(
    path: str | Path, *, accession: str | None = None, limits: CheckLimits | None = None
) -> tuple[Platform, pa.Table]:
    """The platform record and its full data table (every column a string, first column the probe ID).

    Reads GPL SOFT (acc.cgi or ``GPL…_family.soft.gz``) and ``GPL….annot.gz``; stops reading at the
    first platform (or the one named ``accession``). A platform without a table (sequencing) gives
    an empty table with the described columns. Repeated column names get ``.1``, ``.2`` suffixes.
    """
    log = IssueLog(str(path))
    with contextlib.closing(iter_entities(path, accession=accession, limits=limits)) as entities:
        for entity in entities:
            if entity.kind not in _PLATFORM_KINDS:
                continue
            platform_entity = _annotation_as_platform(entity) if entity.kind == "ANNOTATION" else entity
            if accession is not None and platform_entity.name != accession:
                continue
            table = _platform_table(platform_entity)
            return build_platform(platform_entity, rows_read=table.num_rows, log=log), table
    wanted = f"platform {accession}" if accession else "^PLATFORM or ^Annotation block"
    raise ParseError(f"no {wanted} in this file", accession=accession, path=path)


def _platform_table(entity: SoftEntity) -> pa.Table:
    if entity.table is not None and entity.table.header:
        return table_to_arrow(entity.table, accession=entity.name)
    names = [name for name, _ in entity.columns]
    return pa.table({name: pa.nulls(0, pa.string()) for name in dict.fromkeys(names)})


def _annotation_as_platform(entity: SoftEntity) -> SoftEntity:
    """``^Annotation`` files describe their platform in ``!Annotation_platform*`` fields."""
    fields = entity.fields
    renamed = {
        "platform": "geo_accession",
        "platform_title": "title",
        "platform_organism": "organism",
        "date": "annotation_date",
    }
    converted = SoftEntity(
        kind="PLATFORM",
        name=(entity.first("platform") or entity.name).strip(),
        line=entity.line,
        path=entity.path,
        columns=entity.columns,
        table=entity.table,
    )
    for name, values in fields.items():
        target = renamed.get(name, name)
        converted.fields[target] = list(values)
        converted.field_lines[target] = entity.field_lines.get(name, entity.line)
    return converted


def _select_study(records: SoftRecords, accession: str | None) -> Study:
    if accession is not None:
        for study in records.studies:
            if study.accession == accession:
                return study
        raise ParseError(f"no ^SERIES = {accession} in this family SOFT", accession=accession, path=records.path)
    if len(records.studies) == 1:
        return records.studies[0]
    if not records.studies:
        raise ParseError(
            "no ^SERIES block: not a family SOFT (read GSM/GPL records with parse_soft_records)",
            path=records.path,
        )
    names = ", ".join(study.accession for study in records.studies[:5])
    raise ParseError(
        f"{len(records.studies)} ^SERIES blocks ({names} …): pass accession= to choose one", path=records.path
    )


def _belongs_to(sample: Sample, study: Study) -> bool:
    return sample.accession in study.sample_accessions or study.accession in sample.attributes.get("series_id", [])


def _only_samples(matrix: BundleMatrix, keep: set[str]) -> BundleMatrix:
    return matrix.select([k for k, sample in enumerate(matrix.sample_accessions) if sample in keep])


class _Collector:
    """Turns entities into records as they stream by."""

    def __init__(
        self,
        path: str,
        study_accession: str | None,
        *,
        file_name: str | None = None,
        read: Callable[[SoftEntity], _SampleValues | None] = _read_sample_values,
    ) -> None:
        self.path = path
        #: reads a sample table the read-ahead did not (with the parse's row judge)
        self._read = read
        self.file_name = file_name or Path(path).name
        self.study_accession = study_accession
        self.log = IssueLog(path)
        self.records = SoftRecords(path=path)
        self.values: dict[str | None, PlatformValues] = {}

    def add(self, entity: SoftEntity, ahead: Ahead[_SampleValues | None] | None = None) -> None:
        """Take the next entity; ``ahead`` carries its sample table already parsed (:mod:`.soft_ahead`)."""
        if entity.kind == "SERIES":
            self.records.studies.append(build_study(entity, self.log))
        elif entity.kind in _PLATFORM_KINDS:
            self._add_platform(_annotation_as_platform(entity) if entity.kind == "ANNOTATION" else entity)
        elif entity.kind == "SAMPLE":
            self._add_sample(entity, ahead)
        elif entity.kind in {"DATASET", "SUBSET"}:
            raise ParseError(
                f"^{entity.kind} = {entity.name} is GDS SOFT: read it with parse_gds_soft",
                accession=entity.name,
                path=self.path,
                line=entity.line,
            )
        else:
            logger.debug("%s: skipping ^%s = %s", self.path, entity.kind, entity.name)

    def _add_platform(self, entity: SoftEntity) -> None:
        table = _platform_table(entity)
        platform = build_platform(entity, rows_read=None if entity.table_elsewhere else table.num_rows, log=self.log)
        if not entity.table_elsewhere:
            self._check_row_count(entity, platform.data_row_count_declared, table.num_rows)
        self.records.platforms.append(platform)
        if entity.table is not None:
            self.records.platform_tables[platform.accession] = table

    def _add_sample(self, entity: SoftEntity, ahead: Ahead[_SampleValues | None] | None) -> None:
        read = None
        if _has_sample_table(entity):
            read = ahead.parsed() if ahead is not None else self._read(entity)
            if read is None and entity.table is not None:
                self.log.warn(
                    "value_column_missing",
                    f"the sample table has no {VALUE_COLUMN} column ({', '.join(entity.table.header[:6])})",
                    accession=entity.name,
                    line=entity.table.header_line,
                )
        column = read.column if read is not None else None
        rows = len(column.ids) if column is not None else _count_rows(entity)
        sample = build_sample(
            entity,
            study_accession=self.study_accession or "",
            rows_read=None if entity.table_elsewhere else rows,
            log=self.log,
        )
        if not entity.table_elsewhere:
            self._check_row_count(entity, sample.data_row_count_declared, rows)
        self.records.samples.append(sample)
        if read is not None and column is not None and rows:
            values = self.values.get(sample.platform_accession)
            if values is None:
                values = self.values[sample.platform_accession] = PlatformValues(sample.platform_accession)
            repeated = values.add(sample.accession, column.ids, column.values, read.evidence)
            if repeated:
                self.log.warn(
                    "duplicate_feature_ids",
                    f"{repeated} repeated ID_REF rows ignored (first kept)",
                    accession=sample.accession,
                    line=entity.table.header_line if entity.table else None,
                )

    def _check_row_count(self, entity: SoftEntity, declared: int | None, read: int) -> None:
        if declared is None or declared == read:
            return
        code, relation = (
            ("table_rows_below_declared", "fewer") if read < declared else ("table_rows_above_declared", "more")
        )
        line: int | None
        if entity.table is not None:
            line = entity.table.end_line or entity.table.header_line
        else:
            line = entity.field_lines.get("data_row_count")
        self.log.warn(
            code,
            f"{read} table rows read, {relation} than the {declared} declared in data_row_count",
            accession=entity.name,
            line=line,
        )

    def finish(self) -> SoftRecords:
        records = self.records
        only_study = records.studies[0].accession if len(records.studies) == 1 else None
        for sample in records.samples:
            series = sample.attributes.get("series_id") or [sample.accession]
            sample.study_accession = self.study_accession or only_study or series[0].strip()
        platforms = {platform.accession: platform for platform in records.platforms}
        owner = {sample.accession: sample.study_accession for sample in records.samples}
        for platform_accession, values in self.values.items():
            source = ExpressionSource(
                study_accession=self.study_accession or only_study or owner[values.samples[0]],
                platform_accession=platform_accession,
                kind="sample_tables",
                file=self.file_name,
                value_column=VALUE_COLUMN,
                feature_id_kind=feature_id_kind(platforms.get(platform_accession or "")),
            )
            records.expression.append(values.to_matrix(source))
        records.issues = self.log.issues
        return records


def _count_rows(entity: SoftEntity) -> int:
    if entity.table is None or not entity.table.body:
        return 0
    return int(table_to_arrow(entity.table, accession=entity.name).num_rows)
