"""A row group copies its rows, so the block of values they came from is freed once handed over.

Blocks (one per shard row group) and the export's row groups do not line up. When a row group was
a slice of the blocks, a block whose last rows waited for the next row group stayed alive whole,
and how much memory an export held depended on where the boundaries fell. Each row group now owns
a buffer of exactly its rows; its bytes are the same whichever way its rows arrived.
"""

from __future__ import annotations

import gc
import hashlib
import weakref
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.export_parts import LANES, SplitParts, part_schema
from rnacorpus.catalog.export_threads import OrderedWorker

N_FEATURES = 12
GROUP_ROWS = 4


def metadata(schema: pa.Schema, first: int, count: int) -> pa.Table:
    fields = [f for f in schema if f.name != "values"]
    columns = {f.name: pa.nulls(count, f.type) for f in fields}
    columns["sample_accession"] = pa.array([f"GSM{first + i}" for i in range(count)])
    columns["split"] = pa.array(["train"] * count)
    return pa.table(columns, schema=pa.schema(fields))


def write(root: Path, blocks: list[np.ndarray], picks: list[np.ndarray | None]) -> dict[str, str]:
    """Hand ``blocks`` (rows ``picks`` of each, or all) to one split; the part files' sha256."""
    schema = part_schema(N_FEATURES)
    workers = [OrderedWorker(depth=1) for _ in range(LANES)]
    files: list[dict[str, object]] = []
    parts = SplitParts(root, "train", schema, GROUP_ROWS, workers, files)
    first = 0
    for block, rows in zip(blocks, picks, strict=True):
        count = len(block) if rows is None else len(rows)
        parts.add(metadata(schema, first, count), block, rows)
        first += count
    parts.close()
    for worker in workers:
        worker.close()
    return {str(f["path"]): hashlib.sha256((root / str(f["path"])).read_bytes()).hexdigest() for f in files}


def test_a_block_is_freed_while_its_last_rows_wait_for_the_next_row_group(tmp_path: Path) -> None:
    schema = part_schema(N_FEATURES)
    workers = [OrderedWorker(depth=1) for _ in range(LANES)]
    parts = SplitParts(tmp_path, "train", schema, GROUP_ROWS, workers, [])
    block = np.arange(6 * N_FEATURES, dtype=np.float32).reshape(6, N_FEATURES)  # one group and a half
    alive = weakref.ref(block)
    parts.add(metadata(schema, 0, 6), block)
    del block
    gc.collect()
    assert alive() is None  # the two rows waiting for the next group are copies
    assert parts.filled == 2
    parts.close()
    for worker in workers:
        worker.close()


def test_the_rows_of_a_split_are_written_the_same_however_the_blocks_cut_them(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    values = rng.random((11, N_FEATURES), dtype=np.float32)
    values[2, 5] = np.nan
    whole = write(tmp_path / "a", [values], [None])
    # the same rows in three blocks, the middle one picked out of a larger block with other rows
    padded = np.vstack([values[3:7], rng.random((2, N_FEATURES), dtype=np.float32)])
    cut = write(
        tmp_path / "b",
        [values[:3], padded, values[7:]],
        [None, np.array([0, 1, 2, 3], dtype=np.intp), None],
    )
    assert whole == cut
    table = pq.read_table(tmp_path / "a" / "train" / "part-00000.parquet")
    written = np.vstack(table["values"].to_numpy(zero_copy_only=False))
    expected = np.vstack([values[0:4], values[8:11]])  # row groups 0 and 2 are in lane 0's part
    np.testing.assert_array_equal(written, expected)
    assert table["sample_accession"].to_pylist()[:4] == ["GSM0", "GSM1", "GSM2", "GSM3"]
