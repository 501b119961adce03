"""rnacorpus: public transcriptomics archives → a harmonized, training-ready corpus.

Import root of four layered parts: ``harvester`` (archives → records) → ``schemas`` ←
``harmonize`` (records → ontology terms, genes, units) → ``catalog`` (DuckDB + Parquet).

The names below are loaded on first use, so that ``import rnacorpus`` (and the CLI's start) does
not pay for pydantic, Arrow or NumPy before a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

_LAZY = {
    "Config": "rnacorpus.config",
    "ConfigError": "rnacorpus.errors",
    "PermanentError": "rnacorpus.errors",
    "RnacorpusError": "rnacorpus.errors",
    "TransientError": "rnacorpus.errors",
    "SCHEMA_VERSION": "rnacorpus.schemas",
}

if TYPE_CHECKING:
    from rnacorpus.config import Config
    from rnacorpus.errors import ConfigError, PermanentError, RnacorpusError, TransientError
    from rnacorpus.schemas import SCHEMA_VERSION


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rnacorpus' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
