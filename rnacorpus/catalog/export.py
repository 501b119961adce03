"""Training-set export: chosen samples → Parquet files + ``manifest.json`` that rebuilds them.

Memory is bounded by one shard: values are gathered shard by shard into the target feature order
with vectorized index operations and streamed to the output file. Splits are made per study, never
per sample, so no study leaks between train and test. Every output file's sha256 is recorded in the
manifest, written last and atomically; :func:`verify_export` re-checks them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus import __version__
from rnacorpus.catalog.export_select import (
    ShardChoice,
    choose_shards,
    sample_metadata,
    select_accessions,
    withdrawn_samples,
)
from rnacorpus.catalog.normalize import NormalizationRule, get_rule
from rnacorpus.catalog.store import VALUE_WRITE_OPTIONS
from rnacorpus.errors import BadContentError, ConfigError
from rnacorpus.fileio import atomic_write, sha256_file
from rnacorpus.outfolder import FolderKind, build_folder, inspect_target
from rnacorpus.schemas import SCHEMA_VERSION

if TYPE_CHECKING:
    from rnacorpus.catalog.api import Catalog

__all__ = ["EXPORT_FOLDER", "MANIFEST_NAME", "ExportResult", "export_training_set", "verify_export"]

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
EXPORT_FORMAT = "rnacorpus-export/1"
_SPLIT_NAMES = ("train", "validation", "test")
#: an export folder: replaced only when its manifest lists every file in it, and only with --overwrite
EXPORT_FOLDER = FolderKind(
    listing=MANIFEST_NAME, format_prefix="rnacorpus-export/", what="rnacorpus export", overwrite_flag="--overwrite"
)


@dataclass
class ExportResult:
    out_dir: Path
    n_samples: int
    n_features: int
    files: list[dict[str, Any]] = field(default_factory=list)
    manifest_path: Path | None = None
    skipped_without_expression: list[str] = field(default_factory=list)
    refused_by_normalization: list[str] = field(default_factory=list)
    skipped_withdrawn: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "files": self.files,
            "manifest": str(self.manifest_path) if self.manifest_path else None,
            "skipped_without_expression": self.skipped_without_expression,
            "refused_by_normalization": self.refused_by_normalization,
            "skipped_withdrawn": self.skipped_withdrawn,
        }


def study_split(study_accession: str, fractions: Sequence[float], seed: str) -> str:
    """Deterministic study-level split: the same study always lands in the same part for a seed."""
    digest = hashlib.sha256(f"{seed}:{study_accession}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    edge = 0.0
    for name, fraction in zip(_SPLIT_NAMES, fractions, strict=False):
        edge += fraction
        if point < edge:
            return name
    return _SPLIT_NAMES[len(fractions) - 1]


def _target_features(choices: list[ShardChoice], genes: Sequence[str] | None) -> list[str]:
    if genes is not None:
        return list(dict.fromkeys(genes))
    union: set[str] = set()
    for choice in choices:
        union.update(choice.feature_ids)
    return sorted(union)


def _gather(values: np.ndarray, source_ids: list[str], target: pd.Index, n_target: int) -> np.ndarray:
    """Place a shard's columns into the target order (vectorized); features not in the shard are NaN."""
    out = np.full((values.shape[0], n_target), np.nan, dtype=np.float32)
    positions = target.get_indexer(pd.Index(source_ids))
    present = positions >= 0
    out[:, positions[present]] = values[:, present]
    return out


def export_training_set(
    catalog: Catalog,
    out_dir: Path,
    *,
    where: str | None = None,
    genes: Sequence[str] | None = None,
    level: str = "auto",
    normalize: str = "none",
    splits: Sequence[float] = (0.8, 0.1, 0.1),
    seed: str = "rnacorpus",
    overwrite: bool = False,
) -> ExportResult:
    if abs(sum(splits) - 1.0) > 1e-6 or any(f < 0 for f in splits):
        raise ConfigError(f"split fractions must be non-negative and sum to 1, got {list(splits)}")
    if level not in {"auto", "gene", "feature"}:
        raise ConfigError("level must be auto, gene or feature")
    rule = get_rule(normalize)
    with catalog.connect() as con:
        accessions = select_accessions(con, where)
        inspect_target(out_dir, EXPORT_FOLDER, overwrite=overwrite)  # refuse early; build_folder checks again
        gone = withdrawn_samples(con, accessions)
        choices, missing = choose_shards(con, [a for a in accessions if a not in gone], level)
        withdrawn = sorted(gone)
        refused = _refusals(con, choices, rule)
        choices = _without(choices, set(refused))
        metadata = sample_metadata(con, [s for c in choices for s in c.samples])
        versions = dict(con.execute("SELECT key, value FROM catalog_versions").fetchall())
    for choice in choices:
        choice.feature_ids = catalog.store.feature_ids(choice.path)
    features = _target_features(choices, genes)
    target_index = pd.Index(features)
    split_of = {acc: study_split(row["study_accession"] or acc, splits, seed) for acc, row in metadata.items()}
    with build_folder(out_dir, EXPORT_FOLDER, overwrite=overwrite) as tmp:
        expression_path = tmp / "expression.parquet"
        n_rows = _write_expression(catalog, choices, features, target_index, split_of, expression_path, rule)
        files = [
            _file_entry(tmp, expression_path, n_rows),
            _file_entry(tmp, _write_samples(tmp / "samples.parquet", metadata, split_of, choices), len(metadata)),
            _file_entry(tmp, _write_features(tmp / "features.parquet", features), len(features)),
        ]
        manifest = {
            "format": EXPORT_FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rnacorpus_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "catalog": {"path": str(catalog.path), "versions": versions},
            "query": {"where": where, "genes": list(genes) if genes is not None else None, "level": level},
            "normalization": {
                "rule": rule.name,
                "description": rule.description,
                "refused": [{"sample": acc, **why} for acc, why in sorted(refused.items())],
            },
            "splits": {"by": "study", "fractions": dict(zip(_SPLIT_NAMES, splits, strict=False)), "seed": seed},
            "n_samples": n_rows,
            "n_features": len(features),
            "samples": [s for c in choices for s in c.samples],
            "skipped_without_expression": missing,
            "skipped_withdrawn": withdrawn,
            "files": files,
        }
        with atomic_write(tmp / MANIFEST_NAME) as handle:
            handle.write(json.dumps(manifest, indent=2, default=str).encode())
    manifest_path = out_dir / MANIFEST_NAME
    return ExportResult(out_dir, n_rows, len(features), files, manifest_path, missing, sorted(refused), withdrawn)


def _refusals(
    con: duckdb.DuckDBPyConnection, choices: list[ShardChoice], rule: NormalizationRule
) -> dict[str, dict[str, Any]]:
    """Samples the rule cannot convert exactly, with their unit and the reason."""
    if not rule.accepts or not choices:
        return {}
    pairs = [[s, c.path] for c in choices for s in c.samples]
    rows = con.execute(
        """SELECT es.sample_accession, es.unit, es.is_log
           FROM expression_samples es
           JOIN (SELECT p[1] AS sample_accession, p[2] AS shard_path FROM (SELECT unnest(?) AS p)) wanted
             USING (sample_accession, shard_path)""",
        [pairs],
    ).fetchall()
    refused = {}
    for sample, unit, is_log in rows:
        reason = rule.refusal(unit, is_log)
        if reason is not None:
            refused[str(sample)] = {"unit": unit, "is_log": is_log, "reason": reason}
    return refused


def _without(choices: list[ShardChoice], refused: set[str]) -> list[ShardChoice]:
    kept = []
    for choice in choices:
        keep = [i for i, s in enumerate(choice.samples) if s not in refused]
        if keep:
            choice.rows = [choice.rows[i] for i in keep]
            choice.samples = [choice.samples[i] for i in keep]
            kept.append(choice)
    return kept


def _write_expression(
    catalog: Catalog,
    choices: list[ShardChoice],
    features: list[str],
    target_index: pd.Index,
    split_of: dict[str, str],
    path: Path,
    rule: NormalizationRule,
) -> int:
    schema = pa.schema(
        [
            ("sample_accession", pa.string()),
            ("study_accession", pa.string()),
            ("split", pa.string()),
            ("values", pa.list_(pa.float32())),
        ],
        metadata={"rnacorpus.feature_order": "features.parquet", "rnacorpus.n_features": str(len(features))},
    )
    rows = 0
    store = catalog.store
    with atomic_write(path) as handle, pq.ParquetWriter(handle, schema, **VALUE_WRITE_OPTIONS) as out:
        for choice in choices:
            shard = store.read(choice.path, sha256=choice.sha256, rows=choice.rows)
            # scale per sample over the shard's own features first, then pick the export's columns
            block = _gather(rule.apply(shard.values), shard.feature_ids, target_index, len(features))
            offsets = pa.array(np.arange(block.shape[0] + 1, dtype=np.int32) * len(features), type=pa.int32())
            batch = pa.record_batch(
                [
                    pa.array(shard.sample_accessions, type=pa.string()),
                    pa.array([choice.study_accession] * block.shape[0], type=pa.string()),
                    pa.array([split_of.get(s, "train") for s in shard.sample_accessions], type=pa.string()),
                    pa.ListArray.from_arrays(offsets, pa.array(block.reshape(-1), type=pa.float32())),
                ],
                schema=schema,
            )
            out.write_batch(batch)
            rows += block.shape[0]
    return rows


def _write_samples(
    path: Path, metadata: dict[str, dict[str, Any]], split_of: dict[str, str], choices: list[ShardChoice]
) -> Path:
    shard_of = {s: c.path for c in choices for s in c.samples}
    rows = [{**row, "split": split_of[acc], "shard_path": shard_of.get(acc)} for acc, row in metadata.items()]
    table = pa.Table.from_pylist(rows) if rows else pa.table({"accession": pa.array([], type=pa.string())})
    with atomic_write(path) as handle:
        pq.write_table(table, handle, compression="zstd")
    return path


def _write_features(path: Path, features: list[str]) -> Path:
    table = pa.table({"index": pa.array(range(len(features)), type=pa.int32()), "feature_id": features})
    with atomic_write(path) as handle:
        pq.write_table(table, handle)
    return path


def _file_entry(out_dir: Path, path: Path, rows: int) -> dict[str, Any]:
    return {
        "path": path.relative_to(out_dir).as_posix(),
        "sha256": sha256_file(path),
        "bytes": path.stat().st_size,
        "rows": rows,
    }


def verify_export(out_dir: str | Path) -> list[str]:
    """Re-hash every file the manifest lists; returns the problems (empty list = verified)."""
    root = Path(out_dir)
    manifest_path = root / MANIFEST_NAME
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BadContentError(f"unreadable export manifest: {exc}", path=manifest_path) from exc
    problems = []
    for entry in manifest.get("files", []):
        path = root / entry["path"]
        if not path.resolve().is_relative_to(root.resolve()):
            problems.append(f"{entry['path']}: outside the export folder")
        elif not path.exists():
            problems.append(f"{entry['path']}: missing")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: sha256 differs from the manifest")
    return problems
