"""The Parquet expression store: one shard per study × platform × source, one row per sample.

Layout: ``<store>/expression/archive=<archive>/study=<accession>/<file>.parquet`` (Hive-style, so DuckDB's
``read_parquet(..., hive_partitioning=true)`` sees ``archive`` and ``study`` as columns). Each shard
holds ``sample_accession`` and ``values`` (a list of float32 in the shard's feature order); the
feature order is stored once, in the file's key-value metadata, with the shard's provenance
(:mod:`rnacorpus.catalog.shard_format`, which also says what each shard format holds: new shards are
format 3, every field required and the metadata once in the footer; format 1 and 2 shards stay
readable as they are).
Files are written atomically and their sha256 recorded in the catalog; readers verify it. A shard is
written one chunk of samples (one row group) at a time, so a matrix spooled on disk is never held
in memory whole.

The store is a local folder or an fsspec URL (``s3://bucket/prefix``, :mod:`rnacorpus.storage`): on
object storage a shard is written to a local temp file and uploaded under a temporary key, verified
and copied to its name (no rename there), and a reader downloads it once, verifying its sha256 on the
way, before reading values from the local copy. Reading some rows of a shard while verifying it is
:mod:`rnacorpus.catalog.shard_rows`.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog import store_sweep
from rnacorpus.catalog.early_shard import early_shard_of
from rnacorpus.catalog.shard_format import (
    VALUE_WRITE_OPTIONS,
    ShardData,
    chunk_table,
    footer_keys,
    metadata_feature_ids,
    open_shard_writer,
    shard_data,
    shard_metadata,
    shard_schema,
)
from rnacorpus.catalog.shard_rows import checksum_mismatch, iter_local_rows
from rnacorpus.errors import UnsafePathError
from rnacorpus.fileio import HashingWriter, atomic_write, sha256_file
from rnacorpus.schemas import CHUNK_SAMPLES, MatrixLike
from rnacorpus.storage import Location, RemoteTree, location_text, parse_location, remote_tree

__all__ = ["SHARD_WRITERS", "VALUE_WRITE_OPTIONS", "ExpressionStore", "ShardData", "ShardInfo", "ShardRequest"]

log = logging.getLogger(__name__)

#: shards of one study written side by side: Parquet's encoding (byte-stream-split + zstd), the spool's
#: reads and the gene-level collapse all release the GIL, so on two cores a study's feature-level and
#: gene-level shards cost about the larger one's time instead of the sum of both
SHARD_WRITERS = 2
#: bytes Arrow gathers before handing them to the hashing writer (the same file, ~10 times fewer calls)
_WRITE_BUFFER = 4 << 20
_SAFE_PART = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class ShardInfo:
    path: str  # relative to the store root, POSIX separators
    study_accession: str
    platform_accession: str | None
    n_samples: int
    n_genes: int
    unit: str
    sha256: str
    kind: str
    level: str  # "feature" (as deposited) or "gene" (mapped and collapsed)
    feature_id_kind: str
    value_column: str | None
    source_file: str
    is_log: bool | None
    collapse_rule: str | None
    reference: str | None
    bytes: int


@dataclass(frozen=True)
class ShardRequest:
    """One shard to write: a matrix, its level and (gene level) the collapse rule that made it."""

    matrix: MatrixLike
    level: str = "feature"
    collapse_rule: str | None = None


def _safe(part: str) -> str:
    cleaned = "".join(ch if ch in _SAFE_PART else "_" for ch in part)
    if not cleaned or cleaned in {".", ".."}:
        raise UnsafePathError(f"unusable path component {part!r}")
    return cleaned


class ExpressionStore:
    """The store at a local folder or an fsspec URL; every path it takes is relative to its root."""

    def __init__(self, root: Location | str) -> None:
        self.location = parse_location(root)
        #: the object-store tree, or None for a local folder
        self.tree: RemoteTree | None = remote_tree(self.location) if isinstance(self.location, str) else None
        #: the local folder (for a remote store: a name only, never written)
        self.root = Path(self.location) if self.tree is None else Path("/nonexistent-remote-store")

    @property
    def is_remote(self) -> bool:
        return self.tree is not None

    @property
    def text(self) -> str:
        """The store as recorded and shown: an absolute folder or the URL."""
        return location_text(self.location)

    def resolve(self, relpath: str) -> Path:
        """Absolute path of a shard in a local store; refuses anything that would leave the store."""
        rel = PurePosixPath(relpath)
        if rel.is_absolute() or ".." in rel.parts:
            raise UnsafePathError(f"shard path escapes the store: {relpath!r}")
        if self.tree is not None:
            raise UnsafePathError(f"{self.text} is an object store: {relpath!r} has no local path")
        full = self.root.joinpath(*rel.parts)
        if not full.resolve().is_relative_to(self.root.resolve()):
            raise UnsafePathError(f"shard path escapes the store: {relpath!r}")
        return full

    def url(self, relpath: str = "") -> str:
        """Where a reader (DuckDB, pyarrow) finds ``relpath``: an absolute path or a URL."""
        if self.tree is not None:
            return self.tree.url_of(relpath)
        return str(self.resolve(relpath).resolve()) if relpath else str(self.root.resolve())

    def exists(self, relpath: str) -> bool:
        return self.tree.is_file(relpath) if self.tree is not None else self.resolve(relpath).is_file()

    def delete(self, relpath: str) -> None:
        """Remove one file the store holds (missing is fine)."""
        if self.tree is not None:
            self.tree.delete(relpath)
        else:
            self.resolve(relpath).unlink(missing_ok=True)

    @contextlib.contextmanager
    def atomic_write(self, relpath: str) -> Iterator[IO[bytes]]:
        """A handle whose bytes become ``relpath`` atomically when the block ends without error."""
        if self.tree is not None:
            with self.tree.atomic_write(relpath) as handle:
                yield handle
        else:
            with atomic_write(self.resolve(relpath)) as handle:
                yield handle

    def checksum(self, relpath: str) -> tuple[str, int]:
        """(sha256, size) of a file just written (remote: remembered from the upload, no second read)."""
        if self.tree is not None:
            return self.tree.checksum(relpath)
        path = self.resolve(relpath)
        return sha256_file(path), path.stat().st_size

    @contextlib.contextmanager
    def local_copy(self, relpath: str, sha256: str | None = None) -> Iterator[Path]:
        """A local file holding ``relpath``, its sha256 verified when given (remote: downloaded once,
        hashed on the way, deleted after the block)."""
        if self.tree is None:
            path = self.resolve(relpath)
            if sha256 is not None:
                self._verify(path, sha256)
            yield path
            return
        with tempfile.TemporaryDirectory(prefix="rnacorpus-shard-") as folder:
            local = Path(folder) / PurePosixPath(relpath).name
            actual = self.tree.download(relpath, local)
            if sha256 is not None and actual != sha256:
                raise checksum_mismatch(self.tree.url_of(relpath), sha256, actual)
            yield local

    @staticmethod
    def shard_relpath(archive: str, matrix: MatrixLike, level: str, content_key: str) -> str:
        src = matrix.source
        name = "_".join(_safe(part) for part in (src.study_accession, src.platform_accession or "all", src.kind, level))
        return (
            f"expression/archive={_safe(archive)}/study={_safe(src.study_accession)}/"
            f"{name}_{_safe(content_key[:16])}.parquet"
        )

    @staticmethod
    def platform_relpath(archive: str, accession: str, content_sha256: str) -> str:
        """Where a platform's probe table goes: named by its content, so a new version never
        overwrites a file that committed rows point at."""
        return f"platforms/archive={_safe(archive)}/{_safe(accession)}_{_safe(content_sha256[:16])}.parquet"

    def write(
        self,
        matrix: MatrixLike,
        *,
        archive: str,
        content_key: str,
        level: str = "feature",
        collapse_rule: str | None = None,
    ) -> ShardInfo:
        """Write ``matrix`` as a shard, one row group per chunk of samples; returns what the catalog records."""
        relpath = self.shard_relpath(archive, matrix, level, content_key)
        schema = shard_schema(matrix, level=level, collapse_rule=collapse_rule)
        early = early_shard_of(matrix, self.root) if level == "feature" and self.tree is None else None
        if early is not None:  # its row groups were encoded while the parse ran: the same bytes
            sha256, size = early.finish(self.resolve(relpath), footer_keys(schema))
            return _shard_info(relpath, matrix, level, collapse_rule, sha256, size)
        n_features = len(matrix.feature_ids)
        with self.atomic_write(relpath) as handle:
            sink = HashingWriter(handle)  # the checksum as the bytes go out: no second read of the shard
            # Arrow gathers the encoder's writes (most are page headers of a few dozen bytes) before they
            # reach Python: each call into ``sink`` takes the GIL, and beside Python threads (a build's
            # harmonize step, :mod:`rnacorpus.pipeline.shards_ahead`) each take waits its turn
            with (
                pa.BufferedOutputStream(pa.PythonFile(sink, mode="w"), buffer_size=_WRITE_BUFFER) as out,
                open_shard_writer(out, schema) as writer,
            ):
                for chunk in matrix.chunks(CHUNK_SAMPLES):
                    names = matrix.sample_accessions[chunk.start : chunk.start + len(chunk.values)]
                    table = chunk_table(schema, names, chunk.values, n_features)
                    writer.write_table(table, row_group_size=CHUNK_SAMPLES)
        sha256, size = (
            self.checksum(relpath) if self.tree is not None else _written_checksum(sink, self.resolve(relpath))
        )
        return _shard_info(relpath, matrix, level, collapse_rule, sha256, size)

    def write_all(self, requests: Sequence[ShardRequest], *, archive: str, content_key: str) -> list[ShardInfo]:
        """Write every requested shard, :data:`SHARD_WRITERS` at a time; their infos in request order.

        Each shard is written atomically on its own, so a failure (raised here, the first in request
        order) or a kill leaves whole shards and temp files, never a half-written shard under its
        name; those are orphans the next load sweeps. Shards not started when one fails are not written.
        """

        def write(request: ShardRequest) -> ShardInfo:
            return self.write(
                request.matrix,
                archive=archive,
                content_key=content_key,
                level=request.level,
                collapse_rule=request.collapse_rule,
            )

        if len(requests) <= 1:
            return [write(request) for request in requests]
        with ThreadPoolExecutor(min(SHARD_WRITERS, len(requests)), thread_name_prefix="rnacorpus-shards") as pool:
            futures: list[Future[ShardInfo]] = [pool.submit(write, request) for request in requests]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def read(self, relpath: str, *, sha256: str | None = None, rows: list[int] | None = None) -> ShardData:
        """Read a shard (optionally only some sample rows); a checksum mismatch is BadContentError."""
        with self.local_copy(relpath, sha256) as path:
            parquet = pq.ParquetFile(path)
            table = parquet.read()
        metadata = shard_metadata(parquet.schema_arrow)
        if rows is not None:
            table = table.take(pa.array(rows, type=pa.int64()))
        return shard_data(table, metadata_feature_ids(metadata), metadata)

    def iter_rows(
        self,
        relpath: str,
        rows: Sequence[int],
        *,
        sha256: str | None = None,
        feature_lists: dict[str, list[str]] | None = None,
    ) -> Iterator[ShardData]:
        """Some sample rows of a shard, one row group at a time (``rows`` ascending): memory is
        bounded by a row group, not by the shard.

        With ``sha256`` the file is hashed while it is read — one pass over its bytes, which the
        decoder and the hash both take from the same memory map — and the iterator raises
        :class:`BadContentError` at the end (or as soon as the file cannot be decoded) when the bytes
        differ from the catalog's checksum. Blocks already yielded came from a file that failed
        verification: callers must not commit what they built from them until the iterator is
        exhausted (export writes into a folder it only renames into place after the last shard).
        On object storage the shard is downloaded once, hashed on the way down, and read locally.
        ``feature_lists``: see :func:`.shard_rows.iter_local_rows` (shards that list the same features
        share one list).
        """
        if self.tree is not None:
            with self.local_copy(relpath, sha256) as local:
                yield from iter_local_rows(local, rows, None, feature_lists)
            return
        yield from iter_local_rows(self.resolve(relpath), rows, sha256, feature_lists)

    @staticmethod
    def _verify(path: Path, sha256: str) -> None:
        actual = sha256_file(path)
        if actual != sha256:
            raise checksum_mismatch(path, sha256, actual)

    def feature_ids(self, relpath: str) -> list[str]:
        """The shard's feature order, from its footer alone (no values read; remote: ranged reads)."""
        if self.tree is not None:
            with self.tree.open_read(relpath) as handle:
                schema = pq.read_schema(handle)
        else:
            schema = pq.read_schema(self.resolve(relpath))
        return metadata_feature_ids(shard_metadata(schema))

    def sweep(self, referenced: set[str]) -> list[str]:
        """Delete files loads wrote that no catalog row refers to (:func:`.store_sweep.sweep`)."""
        return store_sweep.sweep(self.root, self.tree, referenced)

    def remove_temp_files(self) -> list[str]:
        """Delete the temp files a dead build process left (:func:`.store_sweep.remove_temp_files`)."""
        return store_sweep.remove_temp_files(self.root, self.tree)


def _shard_info(
    relpath: str, matrix: MatrixLike, level: str, collapse_rule: str | None, sha256: str, size: int
) -> ShardInfo:
    src = matrix.source
    return ShardInfo(
        path=relpath,
        study_accession=src.study_accession,
        platform_accession=src.platform_accession,
        n_samples=len(matrix.sample_accessions),
        n_genes=len(matrix.feature_ids),
        unit=src.unit,
        sha256=sha256,
        kind=src.kind,
        level=level,
        feature_id_kind=src.feature_id_kind,
        value_column=src.value_column,
        source_file=src.file,
        is_log=src.is_log,
        collapse_rule=collapse_rule,
        reference=src.reference,
        bytes=size,
    )


def _written_checksum(sink: HashingWriter, path: Path) -> tuple[str, int]:
    """The shard's sha256 and size as they went through ``sink``, once its size on disk agrees."""
    on_disk = path.stat().st_size
    if on_disk != sink.size:  # not the bytes that went through the sink: hash the file itself
        log.warning("%s: %d bytes on disk, %d written through the sink; hashing the file", path, on_disk, sink.size)
        return sha256_file(path), on_disk
    return sink.sha256.hexdigest(), sink.size
