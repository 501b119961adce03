"""In-memory interchange between parse and load: one study's records plus its columnar tables.

These are not part of the exported JSON Schema; they carry numpy / Arrow data that a JSON document
should not. Memory is bounded by one study's expression matrices (one shard each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rnacorpus.schemas.links import DataFile, ExternalCharacteristic, SequencingRun
from rnacorpus.schemas.models import ExpressionSource, ParseIssue, Platform, Sample, Study

__all__ = ["ExpressionMatrix", "SourceFile", "StudyBundle"]


@dataclass
class ExpressionMatrix:
    """Samples × features, float32, in ``feature_ids`` order (NaN = missing)."""

    source: ExpressionSource
    sample_accessions: list[str]
    feature_ids: list[str]
    values: npt.NDArray[np.float32]  # shape (n_samples, n_features)

    def __post_init__(self) -> None:
        expected = (len(self.sample_accessions), len(self.feature_ids))
        if self.values.shape != expected:
            raise ValueError(f"values shape {self.values.shape} does not match {expected}")
        if self.values.dtype != np.float32:
            self.values = self.values.astype(np.float32)


@dataclass(frozen=True)
class SourceFile:
    """A raw archive file a study was built from (its cache entry)."""

    url: str
    path: str
    sha256: str
    size: int
    role: str  # family_soft, miniml, series_matrix, platform_annot, ncbi_counts, ...


@dataclass
class StudyBundle:
    study: Study
    platforms: list[Platform] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    expression: list[ExpressionMatrix] = field(default_factory=list)
    #: platform accession -> the platform's annotation table, all columns as strings
    platform_tables: dict[str, pa.Table] = field(default_factory=dict)
    issues: list[ParseIssue] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    #: sequencing runs of the study's samples (ENA / SRA), each naming its sample record
    runs: list[SequencingRun] = field(default_factory=list)
    #: data files the study lists (ArrayExpress), per sample where the archive says
    data_files: list[DataFile] = field(default_factory=list)
    #: characteristics other archives state for the samples (BioSamples), beside their own
    external_characteristics: list[ExternalCharacteristic] = field(default_factory=list)
