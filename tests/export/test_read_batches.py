"""``rnacorpus.read``: every sample of a split exactly once, seeded shuffles, worker shards that
partition the split, bounded memory, and a torch adapter that needs torch only when used."""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog import export_parts
from rnacorpus.read import iter_batches, row_groups
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 2000)
N_STUDIES, PER_STUDY = 40, 12


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("read")
    specs = [
        StudySpec(f"GSE{i}", [f"GSM{i}_{j:02d}" for j in range(PER_STUDY)], GENES, seed=i) for i in range(N_STUDIES)
    ]
    catalog = build_catalog(root, specs)
    with pytest.MonkeyPatch.context() as patch:  # small row groups (16 samples) so a split has many
        patch.setattr(export_parts, "ROW_GROUP_BYTES", 16 * 4 * len(GENES))
        catalog.export(root / "set", genes=GENES, splits="train=1.0")
    return root / "set"


def all_rows(out: Path) -> dict[str, np.ndarray]:
    table = pq.read_table(out / "train")
    values = np.asarray(table.column("values").combine_chunks().flatten(), np.float32).reshape(table.num_rows, -1)
    return dict(zip(table.column("sample_accession").to_pylist(), values, strict=True))


def assert_each_sample_once_with_its_values(export: Path, batch_size: int, **options: Any) -> None:
    expected = all_rows(export)
    seen: dict[str, np.ndarray] = {}
    for values, meta in iter_batches(export, "train", batch_size=batch_size, **options):
        assert values.dtype == np.float32 and values.shape[1] == len(GENES) and len(values) <= batch_size
        for accession, row in zip(meta["sample_accession"], values, strict=True):
            assert accession not in seen
            seen[accession] = row
    assert set(seen) == set(expected)
    assert all(np.array_equal(seen[a], expected[a], equal_nan=True) for a in expected)


def test_every_sample_comes_once_with_its_values(export: Path) -> None:
    assert_each_sample_once_with_its_values(export, 50, columns=["sample_accession", "tissue_label"])


def test_shuffle_is_seeded_and_changes_with_the_epoch(export: Path) -> None:
    def order(seed: int | None, epoch: int = 0) -> list[str]:
        return [
            a
            for _, m in iter_batches(export, batch_size=32, shuffle_seed=seed, epoch=epoch)
            for a in m["sample_accession"]
        ]

    plain = order(None)
    assert order(1) == order(1) != plain and order(1) != order(1, epoch=1)
    assert sorted(order(1)) == sorted(plain)


def test_workers_partition_the_split(export: Path) -> None:
    parts = [
        [a for _, m in iter_batches(export, batch_size=16, worker=(i, 3)) for a in m["sample_accession"]]
        for i in range(3)
    ]
    assert sum(len(p) for p in parts) == N_STUDIES * PER_STUDY
    assert len(set().union(*parts)) == N_STUDIES * PER_STUDY


def test_memory_is_bounded_by_row_groups_not_the_split(export: Path) -> None:
    """Python/NumPy allocations (tracemalloc) and Arrow's buffers (its pool, which tracemalloc does
    not see: the values of a row group read are Arrow's) both stay within a few row groups."""
    groups = row_groups(export, "train")
    assert len(groups) >= 15
    group_bytes = max(rows for _, _, rows in groups) * len(GENES) * 4
    gc.collect()  # Arrow buffers an earlier test left in garbage must not be freed during the measurement
    arrow_before, arrow_peak, seen = pa.total_allocated_bytes(), 0, 0
    tracemalloc.start()
    try:
        for values, _ in iter_batches(export, batch_size=8, shuffle_seed=0, shuffle_groups=2):
            arrow_peak = max(arrow_peak, pa.total_allocated_bytes() - arrow_before)
            seen += len(values)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    split_bytes = N_STUDIES * PER_STUDY * len(GENES) * 4
    assert seen == N_STUDIES * PER_STUDY
    assert peak < 6 * group_bytes + 256 * 1024 < split_bytes / 2
    # two row groups in the window, a third being read; the split is 30 row groups
    assert 0 < arrow_peak < 4 * group_bytes + 256 * 1024 < split_bytes / 4


def test_importing_rnacorpus_never_imports_torch() -> None:
    code = "import sys, rnacorpus, rnacorpus.read, rnacorpus.api; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


def test_torch_dataset_shards_by_worker(export: Path) -> None:
    torch = pytest.importorskip("torch", reason="torch is not installed: the IterableDataset adapter is not tested")
    from rnacorpus.read import ExportDataset

    dataset = ExportDataset(export, "train", batch_size=16, shuffle_seed=0)
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=2)
    seen = []
    for values, meta in loader:
        assert isinstance(values, torch.Tensor) and values.dtype == torch.float32
        seen += list(meta["sample_accession"])
    assert len(seen) == len(set(seen)) == N_STUDIES * PER_STUDY


def test_a_shuffled_epoch_has_every_sample_once_with_its_own_values(export: Path) -> None:
    for epoch in (0, 1):
        assert_each_sample_once_with_its_values(export, 24, shuffle_seed=5, epoch=epoch, shuffle_groups=3)


def test_a_shuffled_batch_mixes_row_groups_and_the_same_seed_gives_the_same_batches(export: Path) -> None:
    """Row groups hold 16 samples here; a batch of 24 drawn from a window of 3 row groups mixes them."""
    group_of = {}
    for part, index, _ in row_groups(export, "train"):
        for accession in pq.ParquetFile(part).read_row_group(index, columns=["sample_accession"]).column(0).to_pylist():
            group_of[accession] = (part, index)

    def batches(seed: int) -> list[list[str]]:
        return [list(m["sample_accession"]) for _, m in iter_batches(export, batch_size=24, shuffle_seed=seed)]

    first = batches(3)
    assert first == batches(3) and first != batches(4)
    assert all(len({group_of[a] for a in batch}) > 1 for batch in first[:-1])
