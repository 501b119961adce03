"""NCBI-generated RNA-seq count matrices (``GSE…_raw_counts_GRCh38.p13_NCBI.tsv.gz``).

NCBI re-aligns the SRA runs of human and mouse series (HISAT2 + featureCounts) and publishes one TSV
per series: first column ``GeneID`` (NCBI Gene / Entrez), one integer column per GSM. It is read in
one vectorized pass (Arrow CSV) into a samples × genes float32 matrix. The unit is left ``unknown``:
deciding it (and checking that these really are integer counts) is the unit detector's job.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from rnacorpus.errors import ParseError
from rnacorpus.harvester.checks import CheckLimits
from rnacorpus.harvester.geo.soft_lines import open_soft_bytes
from rnacorpus.harvester.geo.tables import MISSING_VALUE_TOKENS, float32_values
from rnacorpus.schemas import ExpressionMatrix, ExpressionSource

__all__ = ["parse_ncbi_counts_name", "read_ncbi_counts"]

logger = logging.getLogger(__name__)

_NAME = re.compile(
    r"^(?P<gse>GSE\d+)_(?P<what>raw_counts|norm_counts(?:_[A-Za-z0-9]+)?)_(?P<ref>.+?)_NCBI\.tsv(?:\.gz)?$"
)
_ID_COLUMN = "GeneID"
_NULLS = sorted({token for token in MISSING_VALUE_TOKENS} | {token.upper() for token in MISSING_VALUE_TOKENS})


def parse_ncbi_counts_name(name: str) -> tuple[str, str, str] | None:
    """``GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz`` → (``GSE63966``, ``raw_counts``, ``GRCh38.p13``)."""
    match = _NAME.match(name)
    return (match.group("gse"), match.group("what"), match.group("ref")) if match else None


def read_ncbi_counts(
    path: str | Path,
    *,
    accession: str | None = None,
    file_name: str | None = None,
    limits: CheckLimits | None = None,
) -> ExpressionMatrix:
    """The count matrix (samples × Entrez gene IDs); ``reference`` is the genome build in the file name.

    ``file_name`` is the archive's name of the file (``GSE…_raw_counts_GRCh38.p13_NCBI.tsv.gz``) when
    ``path`` is a cache path; ``accession`` names the series when the name does not.
    """
    name = file_name or Path(path).name
    named = parse_ncbi_counts_name(name)
    study = accession or (named[0] if named else None)
    if study is None:
        raise ParseError(
            "cannot tell the series: the file name is not GSE…_raw_counts_<build>_NCBI.tsv.gz "
            "and no accession was given",
            path=path,
        )
    table = _read_table(path, study, limits)
    samples = table.column_names[1:]
    values = np.empty((len(samples), table.num_rows), np.float32)
    for row, sample in enumerate(samples):
        values[row] = float32_values(table.column(sample))
    values[~np.isfinite(values)] = np.nan
    gene_ids = table.column(0).to_pylist()
    source = ExpressionSource(
        study_accession=study,
        kind="ncbi_counts",
        file=name,
        value_column=None,
        feature_id_kind="entrez",
        n_samples=len(samples),
        n_features=len(gene_ids),
        reference=named[2] if named else None,
    )
    logger.debug("%s: %d samples x %d genes", path, len(samples), len(gene_ids))
    return ExpressionMatrix(source=source, sample_accessions=samples, feature_ids=gene_ids, values=values)


def _read_table(path: str | Path, study: str, limits: CheckLimits | None) -> pa.Table:
    with open_soft_bytes(path, limits=limits) as stream:
        try:
            header = pacsv.open_csv(
                stream,
                parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
                read_options=pacsv.ReadOptions(block_size=1 << 16),
            ).schema.names
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ParseError(f"not a tab-separated counts table ({exc})", accession=study, path=path, line=1) from exc
    if not header or header[0] != _ID_COLUMN:
        raise ParseError(
            f"the first column must be {_ID_COLUMN!r}, found {header[:1]}", accession=study, path=path, line=1
        )
    if len(set(header)) != len(header):
        raise ParseError("repeated sample columns in the header", accession=study, path=path, line=1)
    types = {_ID_COLUMN: pa.string(), **dict.fromkeys(header[1:], pa.float32())}
    with open_soft_bytes(path, limits=limits) as stream:
        try:
            return pacsv.read_csv(
                stream,
                parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
                convert_options=pacsv.ConvertOptions(column_types=types, null_values=_NULLS, strings_can_be_null=False),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ParseError(f"malformed counts table ({exc})", accession=study, path=path) from exc
