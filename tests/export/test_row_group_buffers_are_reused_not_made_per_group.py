"""An export's row groups fill buffers that come back once a lane has encoded them: however many
groups three splits write, there are never more buffers than groups in flight (one filling per
split, one queued and one encoding per lane), and the part files hold the same bytes as when every
group had a buffer of its own."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rnacorpus.catalog.export_parts import LANES, GroupBuffers, SplitParts, part_schema
from rnacorpus.catalog.export_threads import OrderedWorker
from tests.export.test_a_row_group_holds_its_own_rows_not_the_blocks_they_came_from import metadata

N_FEATURES = 10
GROUP_ROWS = 3
SPLITS = ("train", "validation", "test")


class _Counted(GroupBuffers):
    def __init__(self, group_rows: int, n_features: int) -> None:
        super().__init__(group_rows, n_features)
        self.made = 0

    def take(self) -> npt.NDArray[np.float32]:
        if not self.spare:
            self.made += 1
        return super().take()


class _NeverReused(GroupBuffers):
    """Every group gets a fresh buffer (what the export did before)."""

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


def test_buffers_are_bounded_by_the_groups_in_flight_and_the_bytes_do_not_change(tmp_path: Path) -> None:
    values = np.random.default_rng(5).random((240, N_FEATURES), dtype=np.float32)
    values[7, 3] = np.nan
    counted = _Counted(GROUP_ROWS, N_FEATURES)
    reused = _write(tmp_path / "reused", values, counted)
    assert len(values) // GROUP_ROWS == 80  # row groups written, over three splits
    assert 1 <= counted.made <= len(SPLITS) + 2 * LANES
    assert reused == _write(tmp_path / "fresh", values, _NeverReused(GROUP_ROWS, N_FEATURES))
