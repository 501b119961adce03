"""The published JSON Schema matches the models, and a model change needs a SCHEMA_VERSION bump."""

from __future__ import annotations

import json
from pathlib import Path

from rnacorpus.schemas import SCHEMA_VERSION, json_schemas, read_history, schema_fingerprint

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schema"


def test_version_bumped_when_models_change() -> None:
    recorded = read_history(SCHEMA_DIR).get(SCHEMA_VERSION)
    assert recorded is not None, (
        f"SCHEMA_VERSION {SCHEMA_VERSION} is not in docs/schema/HISTORY.tsv; run python -m rnacorpus.schemas"
    )
    assert recorded == schema_fingerprint(), (
        f"the schema models changed but SCHEMA_VERSION is still {SCHEMA_VERSION}: "
        "bump it in rnacorpus/schemas/models.py, then run python -m rnacorpus.schemas"
    )


def test_published_files_match_models() -> None:
    assert (SCHEMA_DIR / "VERSION").read_text().strip() == SCHEMA_VERSION
    for name, schema in json_schemas().items():
        published = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert published == schema, f"docs/schema/{name}.schema.json is stale; run python -m rnacorpus.schemas"


def test_every_record_stamps_its_version() -> None:
    for name, schema in json_schemas().items():
        if name != "annotation":
            assert "schema_version" in schema["properties"], name
