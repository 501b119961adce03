"""Reading some sample rows of a local shard one row group at a time, verifying its sha256 on the way.

The file is memory-mapped once; the Parquet decoder and the hash take their bytes from the same
map, and the hash is advanced in file order up to the end of each row group as it is read, so a
verified read is still one pass over the file. :meth:`rnacorpus.catalog.store.ExpressionStore.iter_rows`
is the public entry; this module holds the mechanics.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.shard_format import ShardData, metadata_feature_ids, shard_data, shard_metadata
from rnacorpus.errors import BadContentError

__all__ = ["checksum_mismatch", "iter_local_rows"]


def checksum_mismatch(path: Path | str, expected: str, actual: str) -> BadContentError:
    return BadContentError(
        f"shard checksum mismatch (catalog {expected[:12]}…, file {actual[:12]}…): "
        "the file changed after it was loaded; re-harvest the study",
        path=path,
    )


def iter_local_rows(path: Path, rows: Sequence[int], sha256: str | None) -> Iterator[ShardData]:
    """The ``rows`` (ascending) of the shard at ``path``, one row group's worth at a time; with
    ``sha256``, :class:`BadContentError` at the end (or on a decode error) when the bytes differ."""
    try:
        source = pa.memory_map(str(path))
    except OSError as exc:
        raise BadContentError(f"shard cannot be opened: {exc}", path=path) from exc
    check = _SequentialHash(source, path, sha256) if sha256 is not None else None
    try:
        yield from _row_blocks(pq.ParquetFile(source), np.asarray(rows, dtype=np.int64), check)
        if check is not None:
            check.finish()
    except (pa.ArrowException, OSError, ValueError, json.JSONDecodeError) as exc:
        if check is not None:
            check.finish()  # a damaged file says so by its checksum first
        raise BadContentError(f"unreadable shard: {exc}", path=path) from exc
    finally:
        source.close()


class _SequentialHash:
    """sha256 of a memory-mapped file, advanced in file order as its row groups are read."""

    def __init__(self, source: pa.MemoryMappedFile, path: Path, expected: str) -> None:
        self.source, self.path, self.expected = source, path, expected
        self.digest = hashlib.sha256()
        self.done = 0

    def upto(self, end: int) -> None:
        end = min(end, self.source.size())
        while self.done < end:
            step = min(end - self.done, 64 * 1024**2)
            self.digest.update(memoryview(self.source.read_at(step, self.done)))
            self.done += step

    def finish(self) -> None:
        if self.done < 0:
            return  # already checked
        self.upto(self.source.size())
        self.done = -1
        actual = self.digest.hexdigest()
        if actual != self.expected:
            raise checksum_mismatch(self.path, self.expected, actual)


def _group_end(group: pq.RowGroupMetaData) -> int:
    """Where a row group's column chunks end in the file."""
    end = 0
    for i in range(group.num_columns):
        column = group.column(i)
        start = column.dictionary_page_offset if column.has_dictionary_page else column.data_page_offset
        end = max(end, int(start) + int(column.total_compressed_size))
    return end


def _row_blocks(
    parquet: pq.ParquetFile, wanted: npt.NDArray[np.int64], check: _SequentialHash | None
) -> Iterator[ShardData]:
    metadata = shard_metadata(parquet.schema_arrow)
    feature_ids = metadata_feature_ids(metadata)
    start = 0
    for group in range(parquet.metadata.num_row_groups):
        info = parquet.metadata.row_group(group)
        size = info.num_rows
        if check is not None:
            check.upto(_group_end(info))
        lo, hi = np.searchsorted(wanted, [start, start + size])
        if hi > lo:
            table = parquet.read_row_group(group)
            picked = wanted[lo:hi] - start
            if picked[-1] - picked[0] + 1 == len(picked):  # a run of rows (often all): a slice, no copy
                table = table.slice(int(picked[0]), len(picked))
            else:
                table = table.take(pa.array(picked))
            yield shard_data(table, feature_ids, metadata)
        start += size
