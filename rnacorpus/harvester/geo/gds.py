"""GEO DataSet SOFT (``GDS….soft.gz``): curated value matrix plus sample subsets.

A GDS file opens ``^DATASET`` twice: first the curated description, then (after the ``^SUBSET``
blocks) the column descriptions and the value table (``ID_REF``, ``IDENTIFIER``, one column per GSM).
GEO builds that table from the samples' VALUE columns, so the matrix is reported as
``kind="sample_tables"``, ``value_column="VALUE"``. Subsets become sample characteristics
(``!subset_type`` → key, ``!subset_description`` → value), which is what they mean.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo.soft_entities import SoftEntity, iter_entities
from rnacorpus.harvester.geo.soft_records import IssueLog, feature_id_kind, parse_geo_date
from rnacorpus.harvester.geo.tables import read_numeric_columns, unique_column_names
from rnacorpus.schemas import (
    Characteristic,
    CrossRef,
    ExpressionMatrix,
    ExpressionSource,
    Sample,
    Study,
    StudyBundle,
)

__all__ = ["parse_gds_soft"]

logger = logging.getLogger(__name__)

_SAMPLE_COLUMN = re.compile(r"^GSM\d+$")
_COLUMN_TEXT = re.compile(r"^Value for (?P<acc>\S+?):\s*(?P<title>.*?)(?:;\s*src:\s*(?P<src>.*))?$")


def parse_gds_soft(path: str | Path, *, file_name: str | None = None) -> StudyBundle:
    """A GDS SOFT file → a bundle whose study is the GDS (with its reference series as a cross-ref)."""
    log = IssueLog(str(path))
    description: SoftEntity | None = None
    values_part: SoftEntity | None = None
    subsets: list[SoftEntity] = []
    for entity in iter_entities(path):
        if entity.kind == "DATASET" and description is None:
            description = entity
        elif entity.kind == "DATASET":
            values_part = entity
        elif entity.kind == "SUBSET":
            subsets.append(entity)
        elif entity.kind != "DATABASE":
            raise ParseError(f"^{entity.kind} in a GDS file", accession=entity.name, path=path, line=entity.line)
    if description is None:
        raise ParseError("no ^DATASET block: not a GDS SOFT file", path=path)
    study = _study(description, values_part)
    samples = _samples(study, description, values_part, subsets)
    study.sample_accessions = [sample.accession for sample in samples]
    expression = _matrix(study, description, values_part, samples, file_name or Path(path).name, log)
    return StudyBundle(study=study, samples=samples, expression=[*expression], issues=log.issues)


def _study(description: SoftEntity, values_part: SoftEntity | None) -> Study:
    first = description.first
    fields = dict(description.fields)
    if values_part is not None:
        for name, values in values_part.fields.items():
            fields.setdefault(name, values)
    references = [series.strip() for text in fields.get("reference_series", []) for series in text.split(",")]
    return Study(
        accession=description.name,
        archive="geo",
        title=first("title"),
        summary="\n".join(fields.get("description", [])) or None,
        types=list(fields.get("type", [])),
        last_update_date=parse_geo_date(first("update_date")),
        pubmed_ids=list(dict.fromkeys(fields.get("pubmed_id", []))),
        platform_accessions=list(dict.fromkeys(fields.get("platform", []))),
        xrefs=[CrossRef(db="GEO", accession=series, relation="reference series") for series in references if series],
        attributes={name: list(values) for name, values in fields.items()},
    )


def _samples(
    study: Study, description: SoftEntity, values_part: SoftEntity | None, subsets: list[SoftEntity]
) -> list[Sample]:
    columns = {name: text for name, text in values_part.columns} if values_part is not None else {}
    header = values_part.table.header if values_part is not None and values_part.table is not None else []
    accessions = [name for name in header if _SAMPLE_COLUMN.match(name)]
    traits: dict[str, list[Characteristic]] = {accession: [] for accession in accessions}
    for subset in subsets:
        key, value = subset.first("type"), subset.first("description") or ""
        for text in subset.fields.get("sample_id", []):
            for accession in (part.strip() for part in text.split(",")):
                traits.setdefault(accession, []).append(Characteristic(key=key, value=value, channel=1))
                if accession not in accessions:
                    accessions.append(accession)
    organisms = description.fields.get("sample_organism", [])
    platform = study.platform_accessions[0] if study.platform_accessions else None
    channel_text = (description.first("channel_count") or "").strip()
    channels = int(channel_text) if channel_text.isdigit() and int(channel_text) >= 1 else 1
    samples = []
    for accession in accessions:
        match = _COLUMN_TEXT.match(columns.get(accession, ""))
        samples.append(
            Sample(
                accession=accession,
                study_accession=study.accession,
                archive="geo",
                platform_accession=platform,
                title=match.group("title") if match else None,
                source_name=match.group("src") if match else None,
                organism_name=organisms[0] if len(organisms) == 1 else None,
                characteristics=traits[accession],
                channel_count=channels,
            )
        )
    return samples


def _matrix(
    study: Study,
    description: SoftEntity,
    values_part: SoftEntity | None,
    samples: list[Sample],
    file_name: str,
    log: IssueLog,
) -> list[ExpressionMatrix]:
    if values_part is None or values_part.table is None or not values_part.table.header:
        return []
    table = values_part.table
    names = unique_column_names(table.header)
    value_names = [name for name in names if _SAMPLE_COLUMN.match(name)]
    if not value_names:
        return []
    columns = read_numeric_columns(table, value_names, accession=study.accession, names=names)
    declared = description.first("feature_count")
    read = len(columns.ids)
    if declared and declared.isdigit() and int(declared) != read:
        code = "table_rows_below_declared" if read < int(declared) else "table_rows_above_declared"
        log.warn(
            code,
            f"{read} table rows read, {declared} declared in dataset_feature_count",
            accession=study.accession,
            line=table.end_line,
        )
    by_accession = {sample.accession: sample for sample in samples}
    for name in value_names:
        by_accession[name].data_row_count = read
    source = ExpressionSource(
        study_accession=study.accession,
        platform_accession=study.platform_accessions[0] if study.platform_accessions else None,
        kind="sample_tables",
        file=file_name,
        value_column="VALUE",
        feature_id_kind=feature_id_kind(None),
        n_samples=len(value_names),
        n_features=read,
    )
    return [
        ExpressionMatrix(
            source=source,
            sample_accessions=value_names,
            feature_ids=columns.ids.to_pylist(),
            values=columns.values,
        )
    ]
