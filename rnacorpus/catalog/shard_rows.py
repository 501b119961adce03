"""Reading some sample rows of a local shard one row group at a time, verifying its sha256 on the way.

The file is memory-mapped once; the Parquet decoder and the hash take their bytes from the same
map, so a verified read is still one pass over the file. The hash runs in a helper thread while the
row groups are decoded (both release the GIL), and the reader waits for it after the last row group
(or on a decode error, so that a damaged file says so by its checksum first): hashing in the
decoding thread, as before, made the export's reader thread — its longest stage, the one every
other waits on — a fifth longer (sha256 ~1.3 GB/s against decode's ~0.25 GB/s of shard bytes).
:meth:`rnacorpus.catalog.store.ExpressionStore.iter_rows` is the public entry; this module holds the
mechanics.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.export_threads import background_thread
from rnacorpus.catalog.shard_format import META_PREFIX, ShardData, metadata_feature_ids, shard_data, shard_metadata
from rnacorpus.errors import BadContentError

__all__ = ["READ_BATCH_ROWS", "checksum_cpu_seconds", "checksum_mismatch", "iter_local_rows"]


def checksum_mismatch(path: Path | str, expected: str, actual: str) -> BadContentError:
    return BadContentError(
        f"shard checksum mismatch (catalog {expected[:12]}…, file {actual[:12]}…): "
        "the file changed after it was loaded; re-harvest the study",
        path=path,
    )


#: CPU seconds that thread spent hashing, in this process
_hash_cpu = 0.0


def checksum_cpu_seconds() -> float:
    """CPU seconds the shard checksums took so far in this process (their thread's, summed)."""
    return _hash_cpu


def iter_local_rows(
    path: Path, rows: Sequence[int], sha256: str | None, feature_lists: dict[str, list[str]] | None = None
) -> Iterator[ShardData]:
    """The ``rows`` (ascending) of the shard at ``path``, a few rows at a time (:data:`READ_BATCH_ROWS`); with
    ``sha256``, :class:`BadContentError` at the end (or on a decode error) when the bytes differ.

    ``feature_lists`` (footer text → parsed list, the caller's, kept across shards) makes shards whose
    footers list the same features share one list object: the shards of a platform list the same
    20,000 IDs, and parsing each footer anew (~1.5 ms) gave the export a new list to hash and compare
    (~2 ms) before it found the column map it already had. The blocks' lists are shared: read only."""
    try:
        source = pa.memory_map(str(path))
    except OSError as exc:
        raise BadContentError(f"shard cannot be opened: {exc}", path=path) from exc
    check = _Checksum(source, path, sha256) if sha256 is not None else None
    try:
        yield from _row_blocks(pq.ParquetFile(source), np.asarray(rows, dtype=np.int64), feature_lists)
        if check is not None:
            check.finish()
    except (pa.ArrowException, OSError, ValueError, json.JSONDecodeError) as exc:
        if check is not None:
            check.finish()  # a damaged file says so by its checksum first
        raise BadContentError(f"unreadable shard: {exc}", path=path) from exc
    finally:
        if check is not None:
            check.cancel()
        source.close()


class _Checksum:
    """sha256 of a memory-mapped file, computed in the hashing thread while the caller decodes it."""

    def __init__(self, source: pa.MemoryMappedFile, path: Path, expected: str) -> None:
        self.path, self.expected = path, expected
        # the whole map as one buffer, taken before the decoder uses the file: hashing slices of it
        # copies nothing (``read_at`` returned a copy of every 16 MiB step as bytes)
        whole = source.read_buffer()
        source.seek(0)
        self.stopped = False
        # one thread hashes shards while their rows are decoded
        self.digest: Future[str] | None = background_thread("rnacorpus-shard-hash").submit(self._hash, whole)

    def _hash(self, whole: pa.Buffer) -> str:
        global _hash_cpu
        started = time.thread_time()
        digest, done, view = hashlib.sha256(), 0, memoryview(whole)
        try:
            while done < len(view) and not self.stopped:
                digest.update(view[done : done + 16 * 1024**2])
                done += 16 * 1024**2
        finally:
            view.release()
            _hash_cpu += time.thread_time() - started  # one hashing thread: no other writer
        return digest.hexdigest()

    def finish(self) -> None:
        if self.digest is None:
            return  # already checked
        actual, self.digest = self.digest.result(), None
        if actual != self.expected:
            raise checksum_mismatch(self.path, self.expected, actual)

    def cancel(self) -> None:
        """Stop a hash still running (the reader stopped early) and wait for it: the map it reads
        is closed next."""
        if self.digest is not None:
            self.stopped = True
            if not self.digest.cancel():
                self.digest.exception()  # waits for the hash to stop
            self.digest = None


#: rows decoded per block. Arrow's record reader grows its value and level buffers by reallocation as
#: it decodes a block, so a whole row group (52 samples × 20,000 values in the benchmark's shards) was
#: copied again as it grew and landed in fresh pages; 32-row batches keep those buffers small and
#: reused. All 55 shards of the 10^4 benchmark corpus, decoded alone, three interleaved rounds on a
#: loaded machine: per row group 2.33 / 1.93 / 2.08 CPU-s, 64-row batches 1.90 / 1.83 / 1.84, 32-row
#: 1.53 / 1.50 / 1.52, 16-row 1.57 / 1.49 / 1.56 (more blocks cost the export per-block work besides).
READ_BATCH_ROWS = 32


def _row_blocks(
    parquet: pq.ParquetFile, wanted: npt.NDArray[np.int64], feature_lists: dict[str, list[str]] | None
) -> Iterator[ShardData]:
    """The ``wanted`` rows (ascending), :data:`READ_BATCH_ROWS` rows of the file at a time, from the row
    groups that hold any of them."""
    metadata = shard_metadata(parquet.schema_arrow)
    feature_ids = _feature_list(metadata, feature_lists)
    sizes = np.array([parquet.metadata.row_group(g).num_rows for g in range(parquet.metadata.num_row_groups)])
    starts = np.concatenate([[0], np.cumsum(sizes)])
    lo, hi = np.searchsorted(wanted, starts[:-1]), np.searchsorted(wanted, starts[1:])
    groups = np.flatnonzero(hi > lo)
    if not len(groups):
        return
    # the file's row number of each row the batches hold, in order (the chosen groups, one after another)
    file_rows = np.concatenate([np.arange(starts[g], starts[g + 1]) for g in groups])
    chosen = np.isin(file_rows, wanted)
    done = 0
    # in this (the reader's) thread: Arrow's decode threads cost ~25% more CPU for a row group of
    # two columns (all 55 shards of 10^4 samples: 1.84 vs 2.34 CPU-s), and the export's other
    # threads keep the cores busy meanwhile
    for batch in parquet.iter_batches(batch_size=READ_BATCH_ROWS, row_groups=groups.tolist(), use_threads=False):
        picked = np.flatnonzero(chosen[done : done + batch.num_rows])
        done += batch.num_rows
        if not len(picked):
            continue
        table = pa.Table.from_batches([batch])
        if picked[-1] - picked[0] + 1 == len(picked):  # a run of rows (often all): a slice, no copy
            table = table.slice(int(picked[0]), len(picked))
        else:
            table = table.take(pa.array(picked))
        yield shard_data(table, feature_ids, metadata)


def _feature_list(metadata: dict[str, str], known: dict[str, list[str]] | None) -> list[str]:
    """The shard's feature list: the one in ``known`` parsed from the same footer text, if there is one."""
    text = metadata.get(META_PREFIX + "feature_ids")
    if known is None or text is None:
        return metadata_feature_ids(metadata)
    parsed = known.get(text)
    if parsed is None:
        parsed = known[text] = metadata_feature_ids(metadata)
    return parsed
