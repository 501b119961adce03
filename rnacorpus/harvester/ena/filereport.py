"""ENA portal ``filereport`` (``result=read_run``) answers → :class:`SequencingRun` records.

The request names its fields explicitly (:data:`READ_RUN_FIELDS`): without ``fields`` the portal
returns file columns only (since 2020, ARCHIVES §4), and a field it no longer knows is a 400
(``Invalid fieldName(s) supplied``) — so the list holds only long-standing ``read_run`` fields.
Files read here may come from elsewhere too (a saved report with more or fewer columns, in any
order): columns are found by name, unknown ones ignored, missing ones left empty.

Multi-file columns (``fastq_ftp``, ``fastq_md5``, ``fastq_bytes`` …) are ``;``-separated, one item
per file of the run, in the same order. An empty answer (no body, or a header without rows) is a
valid "ENA holds no runs for this accession" (nf-core/fetchngs#85) and gives no runs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from rnacorpus.errors import ParseError
from rnacorpus.harvester.dates import iso_date
from rnacorpus.schemas import SequencingRun
from rnacorpus.schemas.links import RunSource

__all__ = [
    "READ_RUN_FIELDS",
    "parse_filereport",
    "parse_portal_json",
    "read_filereport",
    "run_from_fields",
    "runs_from_records",
]

READ_RUN_FIELDS: tuple[str, ...] = (
    "run_accession",
    "experiment_accession",
    "sample_accession",
    "secondary_sample_accession",
    "study_accession",
    "secondary_study_accession",
    "run_alias",
    "experiment_alias",
    "sample_alias",
    "study_title",
    "sample_title",
    "tax_id",
    "scientific_name",
    "library_name",
    "library_strategy",
    "library_source",
    "library_selection",
    "library_layout",
    "instrument_platform",
    "instrument_model",
    "read_count",
    "base_count",
    "first_public",
    "last_updated",
    "fastq_ftp",
    "fastq_md5",
    "fastq_bytes",
    "submitted_ftp",
    "submitted_md5",
    "submitted_bytes",
)
_LISTS = {"fastq_ftp", "fastq_md5", "submitted_ftp", "submitted_md5"}
_INT_LISTS = {"fastq_bytes", "submitted_bytes"}
_INTS = {"tax_id", "read_count", "base_count"}
_DATES = {"first_public", "last_updated"}
_TEXT = set(READ_RUN_FIELDS) - _LISTS - _INT_LISTS - _INTS - _DATES - {"run_accession"}


def _int(text: str, field: str, line: int, path: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(float(text)) if "." in text or "e" in text.lower() else int(text)
    except ValueError as exc:
        raise ParseError(f"{field} = {text!r} is not a number", path=path, line=line) from exc


def run_from_fields(
    values: Mapping[str, str], *, source: RunSource, source_file: str | None, line: int = 0, path: str = ""
) -> SequencingRun | None:
    """One record keyed by ENA field names → a run (None when it names no run)."""
    run = (values.get("run_accession") or "").strip()
    if not run:
        return None
    data: dict[str, object] = {"run_accession": run, "source": source, "source_file": source_file}
    for field in _TEXT:
        text = (values.get(field) or "").strip()
        data[field] = text or None
    for field in _INTS:
        data[field] = _int(values.get(field) or "", field, line, path)
    for field in _DATES:
        data[field] = iso_date(values.get(field))
    for field in _LISTS:
        data[field] = [item.strip() for item in (values.get(field) or "").split(";") if item.strip()]
    for field in _INT_LISTS:
        items = [item for item in (values.get(field) or "").split(";") if item.strip()]
        data[field] = [_int(item, field, line, path) for item in items]
    return SequencingRun.model_validate(data)


def parse_filereport(text: str, *, source_file: str | None = None, path: str = "filereport") -> list[SequencingRun]:
    """A filereport TSV (or a portal ``search`` TSV with the same field names) → runs, in file order."""
    lines = text.lstrip("\ufeff").splitlines()
    if not any(line.strip() for line in lines):
        return []
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [cell.strip() for cell in next(reader)]
    if "run_accession" not in header:
        raise ParseError(
            f"no run_accession column (header: {', '.join(header[:8])}…): not a read_run report", path=path, line=1
        )
    runs: list[SequencingRun] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise ParseError(f"{len(cells)} cells but the header has {len(header)} columns", path=path, line=number)
        values = dict(zip(header, cells, strict=False))
        run = run_from_fields(values, source="ena_filereport", source_file=source_file, line=number, path=path)
        if run is not None:
            runs.append(run)
    return runs


def parse_portal_json(
    data: bytes | str, *, source_file: str | None = None, path: str = "portal.json"
) -> list[dict[str, str]]:
    """A portal ``search`` / ``filereport`` answer asked with ``format=json``: a list of records keyed by
    field name (any ``result``: ``read_run``, ``study`` …). Values are kept as the strings ENA gives;
    :func:`runs_from_records` turns ``read_run`` records into runs."""
    try:
        doc = json.loads(data) if data.strip() else []
    except ValueError as exc:
        raise ParseError(f"not JSON: {exc}", path=path) from exc
    if not isinstance(doc, list) or not all(isinstance(item, dict) for item in doc):
        raise ParseError("a portal JSON answer is a list of records", path=path)
    return [{str(k): "" if v is None else str(v) for k, v in item.items()} for item in doc]


def runs_from_records(records: Iterable[Mapping[str, str]], *, source_file: str | None = None) -> list[SequencingRun]:
    runs = []
    for number, record in enumerate(records, start=1):
        run = run_from_fields(
            record, source="ena_filereport", source_file=source_file, line=number, path=source_file or ""
        )
        if run is not None:
            runs.append(run)
    return runs


def read_filereport(path: str | Path, *, source_file: str | None = None) -> list[SequencingRun]:
    data = Path(path).read_bytes()
    return parse_filereport(
        data.decode("utf-8", "replace"), source_file=source_file, path=source_file or Path(path).name
    )


def distinct(runs: Iterable[SequencingRun]) -> list[SequencingRun]:
    """One record per run accession (the first), order kept."""
    seen: dict[str, SequencingRun] = {}
    for run in runs:
        seen.setdefault(run.run_accession, run)
    return list(seen.values())
