"""The standard schema: what every archive's records become.

Raw values are kept exactly as deposited (``attributes``, ``characteristics``); harmonized values live
beside them as :class:`Annotation` objects that name their rule, confidence and reference release.
Changing any model here changes the exported JSON Schema; ``tests/schemas/test_schema_drift.py``
fails until ``SCHEMA_VERSION`` is bumped and ``docs/schema/`` regenerated.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.4.0"

#: ``biosamples`` records are merged into other archives' samples, never loaded as studies
Archive = Literal["geo", "arrayexpress", "ena", "biosamples"]

__all__ = [
    "SCHEMA_VERSION",
    "Annotation",
    "Archive",
    "Characteristic",
    "ColumnMatch",
    "CrossRef",
    "ExpressionSource",
    "ParseIssue",
    "Platform",
    "Sample",
    "Study",
    "TableColumn",
]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


class Characteristic(_Record):
    """One deposited characteristic, e.g. ``tissue: liver`` on channel 1."""

    key: str | None = Field(description="text before the first ':' as deposited (stripped); null when none")
    value: str = Field(description="text after the first ':' (stripped), or the whole text when no key")
    channel: int = Field(1, ge=1, description="1 for single-channel; 2 for the second dye of two-colour arrays")


class CrossRef(_Record):
    """A link to a record in another archive, as the archive itself states it (never guessed)."""

    db: str = Field(description="SRA, BioProject, BioSample, ArrayExpress, GEO, PubMed, ...")
    accession: str
    relation: str | None = Field(None, description="the deposited relation label, e.g. 'SRA', 'Reanalyzed by'")
    url: str | None = None


class TableColumn(_Record):
    name: str
    description: str | None = None


class ParseIssue(_Record):
    """Something the parser accepted but wants a human to know (e.g. a table shorter than declared)."""

    level: Literal["warning", "error"] = "warning"
    code: str = Field(description="stable machine name, e.g. 'table_rows_below_declared'")
    message: str
    accession: str | None = None
    path: str | None = None
    line: int | None = None


class Annotation(_Record):
    """One harmonization decision: raw text in, ontology term (or an explicit reason) out."""

    field: str = Field(description="tissue, cell_type, cell_line, disease, sex, age, development_stage, ...")
    raw_key: str | None = None
    raw_value: str
    term_id: str | None = None
    term_label: str | None = None
    method: str = Field(description="curated, exact_label, exact_synonym, normalized, fuzzy, parsed, unmapped ...")
    confidence: float = Field(0.0, ge=0.0, le=1.0)
    ontology_release: str | None = None
    reason: str | None = Field(None, description="why no term (or why this one), in words")
    age_value: float | None = None
    age_min: float | None = None
    age_max: float | None = None
    age_unit: str | None = None
    age_qualifier: str | None = Field(None, description="'>', '<', '>=', '<=' for censored ages such as '>89'")


class Study(_Record):
    schema_version: str = SCHEMA_VERSION
    accession: str
    archive: Archive
    title: str | None = None
    summary: str | None = None
    overall_design: str | None = None
    types: list[str] = Field(default_factory=list)
    submission_date: dt.date | None = None
    last_update_date: dt.date | None = None
    public_date: dt.date | None = None
    pubmed_ids: list[str] = Field(default_factory=list)
    contributors: list[str] = Field(default_factory=list)
    institutions: list[str] = Field(default_factory=list)
    platform_accessions: list[str] = Field(default_factory=list)
    organism_taxids: list[int] = Field(default_factory=list)
    sample_accessions: list[str] = Field(default_factory=list, description="samples the study declares")
    super_series: list[str] = Field(default_factory=list, description="SuperSeries this study belongs to")
    sub_series: list[str] = Field(default_factory=list, description="SubSeries of this SuperSeries")
    xrefs: list[CrossRef] = Field(default_factory=list)
    supplementary_files: list[str] = Field(default_factory=list)
    attributes: dict[str, list[str]] = Field(
        default_factory=dict, description="every deposited header field, name without prefix, values in order"
    )


class Sample(_Record):
    schema_version: str = SCHEMA_VERSION
    accession: str
    study_accession: str = Field(description="the study whose files this record was read from")
    archive: Archive
    platform_accession: str | None = None
    title: str | None = None
    source_name: str | None = None
    organism_taxid: int | None = None
    organism_name: str | None = None
    molecule: str | None = None
    library_strategy: str | None = None
    library_source: str | None = None
    library_selection: str | None = None
    instrument_model: str | None = None
    sample_type: str | None = None
    channel_count: int = 1
    description: str | None = None
    submission_date: dt.date | None = None
    last_update_date: dt.date | None = None
    characteristics: list[Characteristic] = Field(default_factory=list, description="in deposited order")
    xrefs: list[CrossRef] = Field(default_factory=list)
    supplementary_files: list[str] = Field(default_factory=list)
    table_columns: list[TableColumn] = Field(default_factory=list)
    data_row_count_declared: int | None = None
    data_row_count: int | None = Field(None, description="rows actually read from the sample's data table")
    attributes: dict[str, list[str]] = Field(default_factory=dict)
    annotations: list[Annotation] = Field(default_factory=list, description="harmonized fields, one per decision")


class Platform(_Record):
    schema_version: str = SCHEMA_VERSION
    accession: str
    archive: Archive
    title: str | None = None
    technology: str | None = None
    distribution: str | None = None
    manufacturer: str | None = None
    organism_taxid: int | None = None
    organism_name: str | None = None
    table_columns: list[TableColumn] = Field(default_factory=list)
    data_row_count_declared: int | None = None
    data_row_count: int | None = None
    last_update_date: dt.date | None = None
    attributes: dict[str, list[str]] = Field(default_factory=dict)


ExpressionKind = Literal["sample_tables", "series_matrix", "ncbi_counts", "supplementary", "supplementary_pseudobulk"]


class ColumnMatch(_Record):
    """Which deposited column(s) hold one sample's values, by which rule, and how sure we are."""

    sample: str = Field(description="the sample accession (GSM) the values belong to")
    columns: list[str] = Field(description="the file's column names; several are the sample's replicates or cells")
    method: str = Field(
        description="gsm_in_header, gsm_in_file_name, exact, normalized, affixes, tokens (see suppl_match)"
    )
    confidence: float = Field(ge=0.0, le=1.0)
    family: str | None = Field(None, description="which sample text decided: title, description, ...")
    combine: str | None = Field(None, description="how several columns became one profile: sum, mean")
    n_cells: int | None = Field(None, description="cells summed into a pseudo-bulk profile")
    checked_against: str | None = Field(
        None, description="another source of this sample's values the match was checked against, with the rho"
    )


class ExpressionSource(_Record):
    """Where one expression matrix came from and what its numbers are."""

    schema_version: str = SCHEMA_VERSION
    study_accession: str
    platform_accession: str | None = None
    kind: ExpressionKind
    file: str = Field(description="archive file name the values were read from")
    value_column: str | None = Field(None, description="e.g. VALUE for GEO sample tables")
    feature_id_kind: str = Field("unknown", description="probe, entrez, ensembl, symbol, refseq, unknown")
    n_samples: int = 0
    n_features: int = 0
    unit: str = "unknown"
    is_log: bool | None = None
    unit_evidence: str | None = None
    unit_confidence: float = 0.0
    reference: str | None = Field(None, description="genome / annotation build when the file states one")
    column_matches: list[ColumnMatch] = Field(
        default_factory=list,
        description="supplementary files: how each sample's values were found among the file's columns",
    )
