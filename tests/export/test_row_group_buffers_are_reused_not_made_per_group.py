"""An export's row groups fill buffers lent from one fixed pool and given back once a lane has
encoded them: however many groups three splits write, no buffer outside the pool is used, no more
are lent at once than the pool holds (one filling per split, one queued and one encoding per lane),
a borrower waits when all are lent, and the part files hold the same bytes as when every group had
a buffer of its own."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rnacorpus.catalog.export_buffers import GroupBuffers
from rnacorpus.catalog.export_parts import LANES, SplitParts, buffers_in_flight, part_schema
from rnacorpus.catalog.export_threads import OrderedWorker
from tests.export.test_a_row_group_holds_its_own_rows_not_the_blocks_they_came_from import metadata

N_FEATURES = 10
GROUP_ROWS = 3
SPLITS = ("train", "validation", "test")


class _Watched(GroupBuffers):
    """Records every buffer lent and the most lent at once."""

    def __init__(self, group_rows: int, n_features: int, capacity: int) -> None:
        super().__init__(group_rows, n_features, capacity)
        self.lent, self.most, self.outside = 0, 0, 0
        self.lock = threading.Lock()

    def take(self) -> npt.NDArray[np.float32]:
        buffer = super().take()
        with self.lock:
            self.lent += 1
            self.most = max(self.most, self.lent)
            self.outside += not np.shares_memory(buffer, self.pool)
        return buffer

    def give_back(self, buffer: npt.NDArray[np.float32]) -> None:
        with self.lock:
            self.lent -= 1
        super().give_back(buffer)


class _NeverReused(GroupBuffers):
    """Every group gets a fresh buffer (what the export did before session 25)."""

    def take(self) -> npt.NDArray[np.float32]:
        return np.empty(self.shape, dtype=np.float32)

    def give_back(self, buffer: npt.NDArray[np.float32]) -> None:
        pass


def _write(root: Path, values: npt.NDArray[np.float32], buffers: GroupBuffers) -> dict[str, str]:
    schema = part_schema(N_FEATURES)
    workers = [OrderedWorker(depth=1) for _ in range(LANES)]
    files: list[dict[str, object]] = []
    parts = {name: SplitParts(root, name, schema, GROUP_ROWS, workers, files, "lz4", buffers) for name in SPLITS}
    for start in range(0, len(values), 2):  # blocks of two rows, dealt to the splits in turn
        block = values[start : start + 2]
        parts[SPLITS[(start // 2) % 3]].add(metadata(schema, start, len(block)), block)
    for split in parts.values():
        split.close()
    for worker in workers:
        worker.close()
    return {str(f["path"]): hashlib.sha256((root / str(f["path"])).read_bytes()).hexdigest() for f in files}


def test_buffers_come_from_the_pool_within_its_capacity_and_the_bytes_do_not_change(tmp_path: Path) -> None:
    values = np.random.default_rng(5).random((240, N_FEATURES), dtype=np.float32)
    values[7, 3] = np.nan
    assert len(values) // GROUP_ROWS == 80  # row groups written, over three splits
    capacity = buffers_in_flight(len(SPLITS), 80)
    assert capacity == len(SPLITS) + 2 * LANES
    watched = _Watched(GROUP_ROWS, N_FEATURES, capacity)
    pooled = _write(tmp_path / "pooled", values, watched)
    assert watched.outside == 0
    assert 1 <= watched.most <= capacity
    assert watched.lent == 0  # every buffer came back
    assert pooled == _write(tmp_path / "fresh", values, _NeverReused(GROUP_ROWS, N_FEATURES, 1))


def test_a_small_export_gets_no_more_buffers_than_groups() -> None:
    assert buffers_in_flight(3, 2) == 2
    assert buffers_in_flight(3, 0) == 1
    assert buffers_in_flight(8, 1000) == 8 + 2 * LANES


def test_a_borrower_waits_while_every_buffer_is_lent() -> None:
    buffers = GroupBuffers(GROUP_ROWS, N_FEATURES, 2)
    first, second = buffers.take(), buffers.take()
    assert not np.shares_memory(first, second)
    taken: list[npt.NDArray[np.float32]] = []
    waiter = threading.Thread(target=lambda: taken.append(buffers.take()))
    waiter.start()
    waiter.join(timeout=0.2)
    assert waiter.is_alive() and not taken  # none left: it waits rather than making a third
    buffers.give_back(second)
    waiter.join(timeout=5)
    assert not waiter.is_alive() and taken[0] is second
