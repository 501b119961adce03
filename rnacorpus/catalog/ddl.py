"""The catalog's tables: a stable, documented SQL surface (see README "SQL surface").

Column names listed in the README are a contract with users; new columns may be added, none renamed.
Every statement is idempotent (``IF NOT EXISTS``); ``CATALOG_FORMAT`` is stamped in ``catalog_versions``.
A change of shape (a new column, key or data move) bumps ``CATALOG_FORMAT`` and adds one step to
:data:`rnacorpus.catalog.migrations.MIGRATIONS`, which upgrades older catalogs in place.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CATALOG_FORMAT", "CORE_DDL", "IDENTITY_DDL", "IDENTITY_INDEXES", "SAMPLE_HARMONIZED_COLUMNS"]

#: bump (with a migration step) whenever a table changes shape
CATALOG_FORMAT = 4

#: harmonized per-sample columns (ontology + units); filled by the harmonize step, NULL when unknown
SAMPLE_HARMONIZED_COLUMNS: dict[str, str] = {
    "tissue_id": "VARCHAR",
    "tissue_label": "VARCHAR",
    "cell_type_id": "VARCHAR",
    "cell_type_label": "VARCHAR",
    "disease_id": "VARCHAR",
    "disease_label": "VARCHAR",
    "sex_id": "VARCHAR",
    "sex_label": "VARCHAR",
    "age_value": "DOUBLE",
    "age_min": "DOUBLE",
    "age_max": "DOUBLE",
    "age_unit": "VARCHAR",
    "development_stage_id": "VARCHAR",
    "development_stage_label": "VARCHAR",
    "cell_line": "VARCHAR",
    "cell_line_id": "VARCHAR",
    "assay_id": "VARCHAR",
    "assay_label": "VARCHAR",
    "unit": "VARCHAR",
    "is_log": "BOOLEAN",
    "unit_evidence": "VARCHAR",
    "unit_confidence": "DOUBLE",
}


#: one identity per physical sample, links between studies, sequencing runs (catalog format 2)
IDENTITY_DDL: list[str] = [
    # every accession of a sample record (its own, and each one an archive states for it) → the
    # catalog's one sample_id for that physical sample; owned by the study load that stated it
    """
CREATE TABLE IF NOT EXISTS accessions (
    sample_id VARCHAR NOT NULL,
    accession VARCHAR NOT NULL,
    archive VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    record_accession VARCHAR NOT NULL,
    study_accession VARCHAR NOT NULL,
    evidence VARCHAR,
    PRIMARY KEY (accession, record_accession, study_accession)
)""",
    """
CREATE TABLE IF NOT EXISTS study_links (
    study_accession VARCHAR NOT NULL,
    linked_accession VARCHAR NOT NULL,
    relation VARCHAR NOT NULL,
    rule VARCHAR,
    origin VARCHAR NOT NULL,
    PRIMARY KEY (study_accession, linked_accession, relation, origin)
)""",
    # a study whose every sample is the same physical sample as one of a better-ranked twin's
    # (E-GEOD-n of GSEn): its rows live on in the twin, its load state here
    """
CREATE TABLE IF NOT EXISTS absorbed_studies (
    accession VARCHAR PRIMARY KEY,
    absorbed_into VARCHAR NOT NULL,
    archive VARCHAR NOT NULL,
    rule VARCHAR,
    n_samples INTEGER,
    n_matched INTEGER,
    content_sha256 VARCHAR,
    last_update DATE,
    record JSON,
    source_files JSON,
    loaded_at TIMESTAMP,
    run_id VARCHAR
)""",
    """
CREATE TABLE IF NOT EXISTS runs_sequencing (
    run_accession VARCHAR NOT NULL,
    experiment_accession VARCHAR,
    sample_accession VARCHAR,
    secondary_sample_accession VARCHAR,
    study_accession VARCHAR,
    secondary_study_accession VARCHAR,
    run_alias VARCHAR,
    experiment_alias VARCHAR,
    sample_alias VARCHAR,
    tax_id INTEGER,
    scientific_name VARCHAR,
    library_name VARCHAR,
    library_strategy VARCHAR,
    library_source VARCHAR,
    library_selection VARCHAR,
    library_layout VARCHAR,
    instrument_platform VARCHAR,
    instrument_model VARCHAR,
    read_count BIGINT,
    base_count BIGINT,
    first_public DATE,
    last_updated DATE,
    fastq_ftp VARCHAR[],
    fastq_md5 VARCHAR[],
    fastq_bytes BIGINT[],
    submitted_ftp VARCHAR[],
    submitted_md5 VARCHAR[],
    submitted_bytes BIGINT[],
    sample_id VARCHAR,
    catalog_sample VARCHAR,
    catalog_study VARCHAR NOT NULL,
    source VARCHAR,
    source_file VARCHAR,
    PRIMARY KEY (run_accession, catalog_study)
)""",
    # the data files a study lists (ArrayExpress raw / processed files, per sample where the SDRF says)
    """
CREATE TABLE IF NOT EXISTS data_files (
    study_accession VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    sample_accession VARCHAR NOT NULL,
    url VARCHAR,
    PRIMARY KEY (study_accession, name, kind, sample_accession)
)""",
    # characteristics another archive states for a sample (BioSamples), beside those its study deposited
    """
CREATE TABLE IF NOT EXISTS external_characteristics (
    sample_accession VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    key VARCHAR,
    value VARCHAR,
    unit VARCHAR,
    term_ids VARCHAR[],
    study_accession VARCHAR NOT NULL,
    PRIMARY KEY (sample_accession, origin, position, study_accession)
)""",
]

#: secondary indexes the identity rules need (created after every table exists; a migration step
#: fills its tables first and leaves these to the schema check that follows it)
IDENTITY_INDEXES: list[str] = [
    # every load looks records up by accession, by record and by sample id, and studies by sample:
    # without these each lookup scans the table (100-400 ms at a million samples; 1-5 ms with them)
    "CREATE INDEX IF NOT EXISTS accessions_by_accession ON accessions (accession)",
    "CREATE INDEX IF NOT EXISTS accessions_by_record ON accessions (record_accession)",
    "CREATE INDEX IF NOT EXISTS accessions_by_study ON accessions (study_accession)",
    "CREATE INDEX IF NOT EXISTS samples_by_sample_id ON samples (sample_id)",
    "CREATE INDEX IF NOT EXISTS study_samples_by_sample ON study_samples (sample_accession)",
    "CREATE INDEX IF NOT EXISTS study_links_by_linked ON study_links (linked_accession)",
]


def _columns(spec: dict[str, str]) -> str:
    return ",\n    ".join(f"{name} {kind}" for name, kind in spec.items())


#: the store files behind the reference views (genes, gene_synonyms, ontology_terms, ontology_closure)
REFERENCE_FILES_DDL = """
CREATE TABLE IF NOT EXISTS reference_files (
    view VARCHAR NOT NULL,
    part VARCHAR NOT NULL,
    release VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    n_rows BIGINT,
    installed TIMESTAMP,
    PRIMARY KEY (view, part)
)"""

CORE_DDL: list[str] = [
    """
CREATE TABLE IF NOT EXISTS catalog_versions (
    key VARCHAR PRIMARY KEY,
    value VARCHAR,
    updated TIMESTAMP
)""",
    REFERENCE_FILES_DDL,
    """
CREATE TABLE IF NOT EXISTS studies (
    accession VARCHAR PRIMARY KEY,
    archive VARCHAR NOT NULL,
    title VARCHAR,
    summary VARCHAR,
    last_update DATE,
    n_samples INTEGER,
    overall_design VARCHAR,
    types VARCHAR[],
    submission_date DATE,
    public_date DATE,
    pubmed_ids VARCHAR[],
    platform_accessions VARCHAR[],
    organism_taxids INTEGER[],
    super_series VARCHAR[],
    sub_series VARCHAR[],
    is_superseries BOOLEAN,
    n_samples_declared INTEGER,
    content_sha256 VARCHAR,
    source_files JSON,
    record JSON,
    loaded_at TIMESTAMP,
    run_id VARCHAR,
    withdrawn BOOLEAN DEFAULT FALSE
)""",
    f"""
CREATE TABLE IF NOT EXISTS samples (
    accession VARCHAR PRIMARY KEY,
    study_accession VARCHAR,
    archive VARCHAR NOT NULL,
    platform_accession VARCHAR,
    organism_taxid INTEGER,
    title VARCHAR,
    source_name VARCHAR,
    molecule VARCHAR,
    library_strategy VARCHAR,
    organism_name VARCHAR,
    library_source VARCHAR,
    library_selection VARCHAR,
    instrument_model VARCHAR,
    sample_type VARCHAR,
    channel_count INTEGER,
    description VARCHAR,
    submission_date DATE,
    last_update DATE,
    data_row_count_declared BIGINT,
    data_row_count BIGINT,
    {_columns(SAMPLE_HARMONIZED_COLUMNS)},
    record JSON,
    sample_id VARCHAR
)""",
    """
CREATE TABLE IF NOT EXISTS study_samples (
    study_accession VARCHAR NOT NULL,
    sample_accession VARCHAR NOT NULL,
    PRIMARY KEY (study_accession, sample_accession)
)""",
    """
CREATE TABLE IF NOT EXISTS sample_characteristics (
    sample_accession VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    key VARCHAR,
    value VARCHAR,
    channel INTEGER,
    PRIMARY KEY (sample_accession, position)
)""",
    """
CREATE TABLE IF NOT EXISTS platforms (
    accession VARCHAR PRIMARY KEY,
    archive VARCHAR NOT NULL,
    title VARCHAR,
    technology VARCHAR,
    distribution VARCHAR,
    manufacturer VARCHAR,
    organism_taxid INTEGER,
    data_row_count_declared BIGINT,
    data_row_count BIGINT,
    annotation_path VARCHAR,
    annotation_sha256 VARCHAR,
    record JSON
)""",
    """
CREATE TABLE IF NOT EXISTS xrefs (
    accession VARCHAR NOT NULL,
    db VARCHAR NOT NULL,
    xref_accession VARCHAR NOT NULL,
    relation VARCHAR,
    study_accession VARCHAR,
    PRIMARY KEY (accession, db, xref_accession)
)""",
    """
CREATE TABLE IF NOT EXISTS expression_shards (
    path VARCHAR PRIMARY KEY,
    study_accession VARCHAR NOT NULL,
    platform_accession VARCHAR,
    n_samples INTEGER,
    n_genes INTEGER,
    unit VARCHAR,
    sha256 VARCHAR,
    kind VARCHAR,
    level VARCHAR,
    feature_id_kind VARCHAR,
    value_column VARCHAR,
    source_file VARCHAR,
    is_log BOOLEAN,
    collapse_rule VARCHAR,
    reference VARCHAR,
    bytes BIGINT,
    created TIMESTAMP
)""",
    """
CREATE TABLE IF NOT EXISTS expression_samples (
    sample_accession VARCHAR NOT NULL,
    shard_path VARCHAR NOT NULL,
    row_index INTEGER NOT NULL,
    study_accession VARCHAR,
    unit VARCHAR,
    is_log BOOLEAN,
    unit_evidence VARCHAR,
    unit_confidence DOUBLE,
    source_columns VARCHAR[],
    match_method VARCHAR,
    match_confidence DOUBLE,
    n_cells INTEGER,
    PRIMARY KEY (sample_accession, shard_path)
)""",
    """
CREATE TABLE IF NOT EXISTS parse_issues (
    study_accession VARCHAR NOT NULL,
    level VARCHAR,
    code VARCHAR,
    message VARCHAR,
    accession VARCHAR,
    path VARCHAR,
    line INTEGER
)""",
    """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started TIMESTAMP,
    finished TIMESTAMP,
    command VARCHAR,
    status VARCHAR,
    n_ok INTEGER,
    n_failed INTEGER,
    n_new INTEGER,
    n_updated INTEGER,
    n_unchanged INTEGER,
    pid INTEGER,
    rnacorpus_version VARCHAR,
    details JSON
)""",
    """
CREATE TABLE IF NOT EXISTS run_items (
    run_id VARCHAR NOT NULL,
    accession VARCHAR NOT NULL,
    outcome VARCHAR,
    step VARCHAR,
    message VARCHAR,
    finished TIMESTAMP,
    PRIMARY KEY (run_id, accession)
)""",
    """
CREATE TABLE IF NOT EXISTS quarantine (
    accession VARCHAR PRIMARY KEY,
    step VARCHAR,
    error_kind VARCHAR,
    message VARCHAR,
    time TIMESTAMP,
    run_id VARCHAR,
    path VARCHAR,
    url VARCHAR,
    line INTEGER,
    attempts INTEGER
)""",
    *IDENTITY_DDL,
    """
CREATE TABLE IF NOT EXISTS watermarks (
    source VARCHAR PRIMARY KEY,
    last_update DATE,
    updated TIMESTAMP,
    run_id VARCHAR
)""",
    *IDENTITY_INDEXES,
]


def all_ddl(extra: Iterable[str] = ()) -> list[str]:
    return [*CORE_DDL, *extra]
