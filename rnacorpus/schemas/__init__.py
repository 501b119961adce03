"""The standard schema (pydantic v2), versioned; JSON Schema exported to ``docs/schema/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rnacorpus.schemas.bundle import (
    CHUNK_SAMPLES,
    BundleMatrix,
    DerivedMatrix,
    ExpressionMatrix,
    MatrixLike,
    SourceFile,
    SpooledMatrix,
    StudyBundle,
    ValueChunk,
    ValueSpool,
)
from rnacorpus.schemas.links import DataFile, ExternalCharacteristic, SequencingRun
from rnacorpus.schemas.models import (
    SCHEMA_VERSION,
    Annotation,
    Characteristic,
    ColumnMatch,
    CrossRef,
    ExpressionSource,
    ParseIssue,
    Platform,
    Sample,
    Study,
    TableColumn,
)

__all__ = [
    "CHUNK_SAMPLES",
    "EXPORTED_MODELS",
    "SCHEMA_VERSION",
    "Annotation",
    "BundleMatrix",
    "Characteristic",
    "ColumnMatch",
    "CrossRef",
    "DataFile",
    "DerivedMatrix",
    "ExpressionMatrix",
    "ExpressionSource",
    "ExternalCharacteristic",
    "MatrixLike",
    "ParseIssue",
    "Platform",
    "Sample",
    "SequencingRun",
    "SourceFile",
    "SpooledMatrix",
    "Study",
    "StudyBundle",
    "TableColumn",
    "ValueChunk",
    "ValueSpool",
    "json_schemas",
    "read_history",
    "schema_fingerprint",
    "write_json_schemas",
]

#: top-level models whose JSON Schema is published in docs/schema/
EXPORTED_MODELS: dict[str, type[BaseModel]] = {
    "study": Study,
    "sample": Sample,
    "platform": Platform,
    "expression_source": ExpressionSource,
    "annotation": Annotation,
    "sequencing_run": SequencingRun,
    "data_file": DataFile,
    "external_characteristic": ExternalCharacteristic,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for name, model in EXPORTED_MODELS.items():
        schema = model.model_json_schema()
        schema["$id"] = f"https://rnacorpus.dev/schema/{SCHEMA_VERSION}/{name}.json"
        schema["x-schema-version"] = SCHEMA_VERSION
        out[name] = schema
    return out


def schema_fingerprint() -> str:
    """sha256 of every exported JSON Schema (version stamps excluded): changes iff the models change."""
    import hashlib

    docs = {
        name: {k: v for k, v in schema.items() if k not in {"$id", "x-schema-version"}}
        for name, schema in json_schemas().items()
    }
    return hashlib.sha256(json.dumps(docs, sort_keys=True).encode()).hexdigest()


def read_history(folder: Path) -> dict[str, str]:
    path = folder / "HISTORY.tsv"
    if not path.exists():
        return {}
    rows = [
        line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    return {version: digest for version, digest in rows}


def write_json_schemas(folder: Path) -> list[Path]:
    """Write one ``<model>.schema.json`` per exported model plus ``VERSION``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    version = folder / "VERSION"
    version.write_text(SCHEMA_VERSION + "\n", encoding="utf-8")
    written.append(version)
    history = read_history(folder)
    digest = schema_fingerprint()
    if history.get(SCHEMA_VERSION, digest) != digest:
        raise ValueError(
            f"the models changed but SCHEMA_VERSION is still {SCHEMA_VERSION}: bump it in rnacorpus/schemas/models.py"
        )
    history[SCHEMA_VERSION] = digest
    lines = ["# schema_version\tsha256 of the exported JSON Schemas (append-only)"]
    lines += [f"{v}\t{d}" for v, d in history.items()]
    (folder / "HISTORY.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(folder / "HISTORY.tsv")
    return written
