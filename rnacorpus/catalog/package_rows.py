"""A load package's tables as rows: every table a study owns rows in, built from its load plan.

The package writer (:mod:`.package`) encodes them; the shard tables (:func:`shard_tables`) name the
study's shard files, so they are built once those are written, and the rest may be built before.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog import identity
from rnacorpus.catalog import rows as R
from rnacorpus.catalog.plan import LoadPlan, ShardPlan
from rnacorpus.catalog.store import ExpressionStore, ShardInfo
from rnacorpus.fileio import atomic_write, sha256_bytes
from rnacorpus.schemas import StudyBundle

__all__ = [
    "Owned",
    "PlatformFile",
    "encode_platform_tables",
    "shard_tables",
    "study_tables",
    "write_platform_files",
]


@dataclass(frozen=True)
class PlatformFile:
    """A platform's probe table encoded, and the store path its content hash names."""

    relpath: str
    sha256: str
    data: bytes


def encode_platform_tables(store: ExpressionStore, bundle: StudyBundle) -> dict[str, PlatformFile]:
    """Each platform's probe table as its own Parquet file's bytes, named by its content hash.

    The name changes with the content, so a load never rewrites a file that committed rows (this
    study's or another study's platform row) point at; a crash before the commit leaves an orphan.
    """
    encoded: dict[str, PlatformFile] = {}
    for accession, table in bundle.platform_tables.items():
        if table.num_rows == 0:
            continue
        buffer = io.BytesIO()  # probe tables are small (rows × a few columns): hash before naming
        pq.write_table(table, buffer, compression="zstd")
        data = buffer.getvalue()
        digest = sha256_bytes(data)
        encoded[accession] = PlatformFile(store.platform_relpath(bundle.study.archive, accession, digest), digest, data)
    return encoded


def write_platform_files(store: ExpressionStore, files: dict[str, PlatformFile]) -> None:
    for file in files.values():
        if store.tree is not None:
            with store.tree.atomic_write(file.relpath) as handle:
                handle.write(file.data)
        else:
            with atomic_write(store.resolve(file.relpath)) as handle:  # same name, same bytes: a harmless rewrite
                handle.write(file.data)


def _expression_samples(study: str, shards: Sequence[tuple[ShardInfo, ShardPlan]]) -> pa.Table:
    names = ("sample_accession", "shard_path", "row_index", "unit", "is_log", "unit_evidence", "unit_confidence")
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for name in ("source_columns", "match_method", "match_confidence", "n_cells"):
        columns[name] = []
    for info, shard in shards:
        samples = shard.matrix.sample_accessions
        units = [shard.sample_units.get(s) for s in samples]
        found = {m.sample: m for m in shard.matrix.source.column_matches}
        matches = [found.get(s) for s in samples]
        columns["sample_accession"] += samples
        columns["shard_path"] += [info.path] * len(samples)
        columns["row_index"] += range(len(samples))
        columns["unit"] += [u.unit if u else info.unit for u in units]
        columns["is_log"] += [u.is_log if u else info.is_log for u in units]
        columns["unit_evidence"] += [u.evidence if u else None for u in units]
        columns["unit_confidence"] += [u.confidence if u else None for u in units]
        # GEO's own tables name their samples; an author's file is matched (suppl_match)
        columns["source_columns"] += [m.columns if m else None for m in matches]
        columns["match_method"] += [m.method if m else "accession" for m in matches]
        columns["match_confidence"] += [m.confidence if m else 1.0 for m in matches]
        columns["n_cells"] += [m.n_cells if m else None for m in matches]
    columns["study_accession"] = [study] * len(columns["sample_accession"])
    return R._table("expression_samples", columns, len(columns["sample_accession"]))


def _shards_table(shards: Sequence[ShardInfo]) -> pa.Table:
    names = [f for f in R.arrow_schema("expression_shards").names if f != "created"]
    return R._table("expression_shards", {n: [getattr(s, n) for s in shards] for n in names}, len(shards))


Owned = tuple[str, str, Sequence[str], bool, pa.Table]


def shard_tables(study: str, shards: Sequence[tuple[ShardInfo, ShardPlan]]) -> list[Owned]:
    """The tables whose rows name the study's shards (paths, checksums, units): built once they are written."""
    return [
        ("expression_shards", "study_accession", [study], True, _shards_table([info for info, _ in shards])),
        ("expression_samples", "study_accession", [study], True, _expression_samples(study, shards)),
    ]


def study_tables(plan: LoadPlan, platform_files: dict[str, tuple[str, str]]) -> list[Owned]:
    """(table, owner column, owner keys, replace, rows) for every table the study owns rows in but
    the :func:`shard_tables` (their place in a package: right before ``parse_issues``)."""
    bundle = plan.bundle
    study = bundle.study.accession
    unique = list({s.accession: s for s in bundle.samples}.values())
    sample_ids = sorted(s.accession for s in unique)
    by_study = [study]
    out: list[Owned] = [
        ("studies", "accession", by_study, True, R.study_table(bundle, content_sha256=plan.content_sha256)),
        ("platforms", "accession", (), True, R.platforms_table(bundle.platforms, platform_files)),
        ("samples", "accession", (), True, R.samples_table(unique, plan.harmonized)),
        ("study_samples", "study_accession", by_study, True, R.study_samples_table(study, sample_ids)),
        ("sample_characteristics", "sample_accession", sample_ids, False, R.characteristics_table(unique)),
        ("xrefs", "study_accession", by_study, True, R.xrefs_table(bundle)),
    ]
    out.append(("parse_issues", "study_accession", by_study, False, R.issues_table(study, bundle.issues)))
    for extra in plan.extra:
        rows = extra.table_rows if extra.table_rows is not None else R.rows_table(extra.table, extra.rows)
        out.append((extra.table, extra.key_column, list(extra.keys), False, rows))
    for table, column, build in identity.STUDY_OWNED:  # the identity evidence the study states
        out.append((table, column, by_study, True, R.rows_table(table, build(bundle))))
    return out
