"""Records other archives add to a study's samples: sequencing runs (ENA/SRA), data files a study
lists, and characteristics another archive states for a sample (BioSamples).

Each names the sample record it belongs to (``catalog_sample`` / ``sample_accession``: the
``Sample.accession`` of the bundle it travels in), so the catalog links it to the one physical
sample that record is.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from rnacorpus.schemas.models import SCHEMA_VERSION, _Record

__all__ = ["DataFile", "ExternalCharacteristic", "RunSource", "SequencingRun"]

RunSource = Literal["ena_filereport", "sra_runinfo", "sra_xml", "ena_xml"]


class SequencingRun(_Record):
    """One sequencing run, with the ENA portal's ``read_run`` field names (ARCHIVES §4)."""

    schema_version: str = SCHEMA_VERSION
    run_accession: str = Field(description="SRR / ERR / DRR")
    experiment_accession: str | None = Field(None, description="SRX / ERX / DRX")
    sample_accession: str | None = Field(None, description="the BioSample (SAMN / SAMEA / SAMD)")
    secondary_sample_accession: str | None = Field(None, description="SRS / ERS / DRS")
    study_accession: str | None = Field(None, description="the BioProject (PRJNA / PRJEB / PRJDB)")
    secondary_study_accession: str | None = Field(None, description="SRP / ERP / DRP")
    run_alias: str | None = None
    experiment_alias: str | None = Field(None, description="GSM… for GEO-brokered submissions")
    sample_alias: str | None = None
    study_title: str | None = None
    sample_title: str | None = None
    tax_id: int | None = None
    scientific_name: str | None = None
    library_name: str | None = None
    library_strategy: str | None = None
    library_source: str | None = None
    library_selection: str | None = None
    library_layout: str | None = Field(None, description="SINGLE or PAIRED")
    instrument_platform: str | None = None
    instrument_model: str | None = None
    read_count: int | None = None
    base_count: int | None = None
    first_public: dt.date | None = None
    last_updated: dt.date | None = None
    fastq_ftp: list[str] = Field(default_factory=list)
    fastq_md5: list[str] = Field(default_factory=list)
    fastq_bytes: list[int] = Field(default_factory=list)
    submitted_ftp: list[str] = Field(default_factory=list)
    submitted_md5: list[str] = Field(default_factory=list)
    submitted_bytes: list[int] = Field(default_factory=list)
    catalog_sample: str | None = Field(None, description="the bundle's sample record this run is of (None: unmatched)")
    source: RunSource = "ena_filereport"
    source_file: str | None = Field(None, description="archive file name or URL the run was read from")


class DataFile(_Record):
    """A raw or processed data file a study lists (ArrayExpress SDRF / BioStudies file list)."""

    schema_version: str = SCHEMA_VERSION
    name: str
    kind: str = Field(description="raw, processed, raw_matrix, processed_matrix, image, fastq, study_file")
    sample_accession: str | None = Field(None, description="the sample record the file is of; None: the study's")
    url: str | None = None


class ExternalCharacteristic(_Record):
    """A characteristic another archive states for a sample (kept beside the study's own, never merged)."""

    schema_version: str = SCHEMA_VERSION
    sample_accession: str
    origin: str = Field(description="the record it was read from, e.g. SAMN03502652")
    position: int = Field(ge=1)
    key: str | None = None
    value: str
    unit: str | None = None
    term_ids: list[str] = Field(default_factory=list, description="ontology terms the archive gave (CURIEs or IRIs)")
