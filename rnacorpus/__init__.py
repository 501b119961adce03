"""rnacorpus: public transcriptomics archives → a harmonized, training-ready corpus.

Import root of four layered parts: ``harvester`` (archives → records) → ``schemas`` ←
``harmonize`` (records → ontology terms, genes, units) → ``catalog`` (DuckDB + Parquet).
"""

from __future__ import annotations

from rnacorpus.config import Config
from rnacorpus.errors import ConfigError, PermanentError, RnacorpusError, TransientError
from rnacorpus.schemas import SCHEMA_VERSION

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Config",
    "ConfigError",
    "PermanentError",
    "RnacorpusError",
    "TransientError",
    "__version__",
]
