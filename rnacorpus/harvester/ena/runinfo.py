"""SRA RunInfo CSV (``trace.ncbi.nlm.nih.gov/Traces/sra-db-be/runinfo?acc=…``, the ``Run,ReleaseDate,…``
table SRA's run selector and ``efetch db=sra rettype=runinfo`` give) → :class:`SequencingRun` records.

Columns are found by name (older exports lack some, newer ones add more); each maps to the ENA
portal field of the same meaning. ``SampleName`` is the submitter's sample name — GEO's GSM for
GEO-brokered runs — and becomes ``sample_alias``; a repeated header line (RunInfo answers for
several accessions are concatenated as they come) is skipped.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rnacorpus.errors import ParseError
from rnacorpus.harvester.ena.filereport import run_from_fields
from rnacorpus.schemas import SequencingRun

__all__ = ["RUNINFO_FIELDS", "parse_runinfo", "read_runinfo"]

#: RunInfo column → ENA read_run field
RUNINFO_FIELDS: dict[str, str] = {
    "Run": "run_accession",
    "ReleaseDate": "first_public",
    "LoadDate": "last_updated",
    "spots": "read_count",
    "bases": "base_count",
    "Experiment": "experiment_accession",
    "LibraryName": "library_name",
    "LibraryStrategy": "library_strategy",
    "LibrarySelection": "library_selection",
    "LibrarySource": "library_source",
    "LibraryLayout": "library_layout",
    "Platform": "instrument_platform",
    "Model": "instrument_model",
    "SRAStudy": "secondary_study_accession",
    "BioProject": "study_accession",
    "Sample": "secondary_sample_accession",
    "BioSample": "sample_accession",
    "TaxID": "tax_id",
    "ScientificName": "scientific_name",
    "SampleName": "sample_alias",
}


def parse_runinfo(text: str, *, source_file: str | None = None, path: str = "runinfo.csv") -> list[SequencingRun]:
    rows = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip() for cell in rows[0]]
    if "Run" not in header:
        raise ParseError(
            f"no Run column (header: {', '.join(header[:8])}…): not an SRA RunInfo table", path=path, line=1
        )
    runs: list[SequencingRun] = []
    for number, cells in enumerate(rows[1:], start=2):
        if [cell.strip() for cell in cells] == header:
            continue  # the header again: several answers concatenated
        if len(cells) > len(header):
            raise ParseError(f"{len(cells)} cells but the header has {len(header)} columns", path=path, line=number)
        values = {
            RUNINFO_FIELDS[name]: cell for name, cell in zip(header, cells, strict=False) if name in RUNINFO_FIELDS
        }
        run = run_from_fields(values, source="sra_runinfo", source_file=source_file, line=number, path=path)
        if run is not None:
            runs.append(run)
    return runs


def read_runinfo(path: str | Path, *, source_file: str | None = None) -> list[SequencingRun]:
    name = source_file or Path(path).name
    return parse_runinfo(Path(path).read_bytes().decode("utf-8", "replace"), source_file=name, path=name)
