"""The standard schema (pydantic v2), versioned; JSON Schema exported to ``docs/schema/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rnacorpus.schemas.bundle import ExpressionMatrix, SourceFile, StudyBundle
from rnacorpus.schemas.models import (
    SCHEMA_VERSION,
    Annotation,
    Characteristic,
    CrossRef,
    ExpressionSource,
    ParseIssue,
    Platform,
    Sample,
    Study,
    TableColumn,
)

__all__ = [
    "EXPORTED_MODELS",
    "SCHEMA_VERSION",
    "Annotation",
    "Characteristic",
    "CrossRef",
    "ExpressionMatrix",
    "ExpressionSource",
    "ParseIssue",
    "Platform",
    "Sample",
    "SourceFile",
    "Study",
    "StudyBundle",
    "TableColumn",
    "json_schemas",
    "write_json_schemas",
]

#: top-level models whose JSON Schema is published in docs/schema/
EXPORTED_MODELS: dict[str, type[BaseModel]] = {
    "study": Study,
    "sample": Sample,
    "platform": Platform,
    "expression_source": ExpressionSource,
    "annotation": Annotation,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for name, model in EXPORTED_MODELS.items():
        schema = model.model_json_schema()
        schema["$id"] = f"https://rnacorpus.dev/schema/{SCHEMA_VERSION}/{name}.json"
        schema["x-schema-version"] = SCHEMA_VERSION
        out[name] = schema
    return out


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
    return written
