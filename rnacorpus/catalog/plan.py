"""What one study's load holds (the harmonize step fills it; a worker turns it into a load package).

A :class:`LoadPlan` is data only: the parsed bundle, the per-sample harmonized columns, the shards,
and rows of other parts' tables that the study owns (:class:`TableRows`: ontology annotations, gene
mapping reports …). Nothing in it is code to run inside the catalog: the plan crosses process and
machine boundaries as files (:mod:`.package`), and the driver commits those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from rnacorpus.catalog import identity
from rnacorpus.catalog.store import ShardInfo
from rnacorpus.schemas import MatrixLike, StudyBundle

__all__ = [
    "LoadPlan",
    "SampleUnit",
    "ShardPlan",
    "TableRows",
    "register_sample_owned_table",
    "sample_owned_tables",
]


@dataclass(frozen=True)
class SampleUnit:
    unit: str
    is_log: bool | None
    evidence: str | None
    confidence: float


@dataclass
class ShardPlan:
    matrix: MatrixLike
    level: str = "feature"
    collapse_rule: str | None = None
    sample_units: dict[str, SampleUnit] = field(default_factory=dict)
    #: set when the shard was already written to the store while the plan was being made
    #: (:mod:`rnacorpus.pipeline.shards_ahead`); else the package writer writes ``matrix``
    written: ShardInfo | None = None


@dataclass
class TableRows:
    """Rows of another part's table (annotations, mapping reports …) that this study owns.

    Every row of ``table`` whose ``key_column`` is in ``keys`` belongs to the study: a load deletes
    them and inserts ``rows`` (dicts by column name) or ``table_rows`` (an Arrow table, the bulk form).
    """

    table: str
    key_column: str
    keys: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    table_rows: pa.Table | None = None


@dataclass
class LoadPlan:
    bundle: StudyBundle
    content_sha256: str
    #: the run that built the plan; a package never stores it (the committing run is recorded instead)
    run_id: str = ""
    harmonized: dict[str, dict[str, Any]] = field(default_factory=dict)
    shards: list[ShardPlan] = field(default_factory=list)
    extra: list[TableRows] = field(default_factory=list)


#: tables whose rows belong to one sample record; other parts register theirs (annotations ...)
_SAMPLE_OWNED: list[tuple[str, str]] = [("sample_characteristics", "sample_accession"), *identity.SAMPLE_OWNED]


def register_sample_owned_table(table: str, column: str = "sample_accession") -> None:
    if (table, column) not in _SAMPLE_OWNED:
        _SAMPLE_OWNED.append((table, column))


def sample_owned_tables() -> list[tuple[str, str]]:
    return list(_SAMPLE_OWNED)
