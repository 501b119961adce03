"""Stream an export into a training loop: NumPy batches with bounded memory, and a PyTorch adapter.

>>> from rnacorpus.read import iter_batches
>>> for x, meta in iter_batches("liver-set/", split="train", batch_size=256, shuffle_seed=0):
...     x.shape, meta["sample_accession"][:2]      # (256, n_genes) float32, NaN = not measured

The unit of reading is a Parquet row group of one part file (about 16 MiB of values, see
:mod:`rnacorpus.catalog.export_parts`). Memory holds at most ``shuffle_groups`` row groups plus
one batch, whatever the size of the split.

Shuffling (``shuffle_seed``) is a buffered shuffle, the standard for streaming loaders: the order
of the row groups is permuted, then they are read ``shuffle_groups`` at a time (a window) and the
rows of each window — plus the fewer-than-a-batch rows the previous window left — are permuted and
cut into batches. So every sample comes exactly once per epoch; a batch mixes the samples of up to
``shuffle_groups`` (+1) row groups, never the whole split (samples of one row group were written
side by side, mostly from one study: a larger window mixes more, at 16 MiB of memory each). Within
a batch the rows come grouped by row group (shuffled within each group), which lets each group's
rows be copied in one pass; the set of rows in a batch is what the shuffle drew. The same
``shuffle_seed`` and ``epoch`` give the same batches; ``epoch`` varies them per epoch.
``worker=(index, count)`` reads every ``count``-th row group from ``index`` on (and shuffles
those), so workers (or ranks) together read each sample exactly once.

``rnacorpus.read.ExportDataset`` is a ``torch.utils.data.IterableDataset`` over the same batches,
sharded by ``torch.utils.data.get_worker_info()``. torch is imported only when that name is first
used, never by ``import rnacorpus``; use it with ``DataLoader(dataset, batch_size=None)``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.errors import ConfigError

__all__ = ["Batch", "features", "iter_batches", "row_groups"]  # and ExportDataset, built on first use


class Batch(NamedTuple):
    values: npt.NDArray[np.float32]  # (batch, n_features)
    metadata: dict[str, npt.NDArray[Any]]  # column → one entry per row


def _parts(folder: Path, split: str) -> list[Path]:
    manifest = folder / "manifest.json"
    if manifest.exists():
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
        parts = [
            folder / e["path"] for e in listed if e["path"].startswith(f"{split}/") and e["path"].endswith(".parquet")
        ]
    else:
        parts = sorted((folder / split).glob("part-*.parquet"))
    if not parts and not (folder / split).is_dir():
        known = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        raise ConfigError(f"{folder} has no split {split!r} (it has: {', '.join(known) or 'none'})")
    return parts


def row_groups(path: str | Path, split: str = "train") -> list[tuple[Path, int, int]]:
    """``(part file, row group, rows)`` of a split, in file order."""
    out = []
    for part in _parts(Path(path), split):
        meta = pq.ParquetFile(part).metadata
        out += [(part, i, meta.row_group(i).num_rows) for i in range(meta.num_row_groups)]
    return out


def features(path: str | Path) -> pa.Table:
    """``features.parquet``: the column order of ``values`` (feature_id, symbol, biotype, …)."""
    return pq.read_table(Path(path) / "features.parquet")


class _Files:
    """Part files opened once each (their footers parsed once), a few at a time."""

    def __init__(self, keep: int = 8) -> None:
        self.keep, self.open = keep, dict[Path, pq.ParquetFile]()

    def __call__(self, part: Path) -> pq.ParquetFile:
        found = self.open.pop(part, None) or pq.ParquetFile(part)
        self.open[part] = found  # most recent last
        if len(self.open) > self.keep:
            del self.open[next(iter(self.open))]
        return found


def _read_group(
    files: _Files, part: Path, group: int, columns: Sequence[str]
) -> tuple[npt.NDArray[np.float32], dict[str, Any]]:
    # one thread: Arrow's decode threads cost ~40% more CPU for one row group of two columns, and the
    # CPU is what a training loop shares with the reader
    table = files(part).read_row_group(group, columns=[*columns, "values"], use_threads=False)
    chunks = table.column("values").chunks
    column = chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks)  # one chunk: no copy
    width = column.type.list_size
    values = np.asarray(column.flatten().to_numpy(zero_copy_only=False), np.float32).reshape(-1, width)
    return values, {c: table.column(c).to_numpy(zero_copy_only=False) for c in columns}


def iter_batches(
    path: str | Path,
    split: str = "train",
    batch_size: int = 256,
    columns: Sequence[str] | None = ("sample_accession",),
    shuffle_seed: int | None = None,
    *,
    shuffle_groups: int = 8,
    epoch: int = 0,
    worker: tuple[int, int] | None = None,
    drop_last: bool = False,
) -> Iterator[Batch]:
    """Batches of ``(values, metadata)`` from one split of an export (see the module doc).

    ``columns``: metadata columns of the part files to return (None: all of them).
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
    groups = row_groups(path, split)
    if worker is not None:
        index, count = worker
        groups = groups[index::count]
    if not groups:
        return
    if columns is None:
        columns = [c for c in pq.read_schema(groups[0][0]).names if c != "values"]
    rng = np.random.default_rng([shuffle_seed, epoch]) if shuffle_seed is not None else None
    if rng is not None:
        groups = [groups[i] for i in rng.permutation(len(groups))]
    window = max(1, shuffle_groups) if rng is not None else 1
    carry: list[_Piece] = []  # rows left over from the last window: fewer than a batch
    files = _Files()
    for start in range(0, len(groups), window):
        read = [_read_group(files, part, group, columns) for part, group, _ in groups[start : start + window]]
        rows = _Rows([*carry, *read])
        order = rng.permutation(len(rows)) if rng is not None else None
        full = len(rows) - len(rows) % batch_size
        for lo in range(0, full, batch_size):
            yield rows.batch(lo, lo + batch_size, order)
        rest = rows.batch(full, len(rows), order) if full < len(rows) else None
        carry = [(rest.values, rest.metadata)] if rest is not None else []
    if carry and not drop_last:
        yield Batch(*carry[0])


_Piece = tuple[npt.NDArray[np.float32], dict[str, npt.NDArray[Any]]]


class _Rows:
    """Row groups read for one window, seen as one table without concatenating them: a batch is a
    view when it lies in one row group, else a copy of its own rows only (never of the window)."""

    def __init__(self, pieces: list[_Piece]) -> None:
        self.pieces = pieces
        self.starts = np.cumsum([0, *(len(values) for values, _ in pieces)])

    def __len__(self) -> int:
        return int(self.starts[-1])

    def batch(self, lo: int, hi: int, order: npt.NDArray[np.int64] | None) -> Batch:
        if order is None:
            first = int(np.searchsorted(self.starts, lo, side="right")) - 1
            if hi <= self.starts[first + 1]:  # within one row group: a view
                values, meta = self.pieces[first]
                a, b = lo - self.starts[first], hi - self.starts[first]
                return Batch(values[a:b], {c: v[a:b] for c, v in meta.items()})
            return self._join(first, lo, hi)
        else:
            wanted = order[lo:hi]
        return self._gather(wanted)

    def _join(self, first: int, lo: int, hi: int) -> Batch:
        """Rows ``lo:hi`` that straddle row groups: one copy of each group's run of them, end to end
        (a gather by row index would index every row and copy twice)."""
        runs: list[_Piece] = []
        piece = first
        while lo < hi:
            values, meta = self.pieces[piece]
            a, b = lo - self.starts[piece], min(hi, self.starts[piece + 1]) - self.starts[piece]
            runs.append((values[a:b], {c: v[a:b] for c, v in meta.items()}))
            lo, piece = self.starts[piece] + b, piece + 1
        return Batch(
            np.concatenate([values for values, _ in runs]),
            {c: np.concatenate([meta[c] for _, meta in runs]) for c in runs[0][1]},
        )

    def _gather(self, wanted: npt.NDArray[np.int64]) -> Batch:
        """The rows ``wanted`` (a shuffled batch), grouped by the row group they come from: each
        group's rows are taken in one pass straight into their place in the batch (one copy; a
        gather by row then a scatter by mask copied every value twice). Within a group they keep
        their shuffled order; a batch's rows are the same whatever their order."""
        piece = np.searchsorted(self.starts, wanted, side="right") - 1
        by_piece = np.argsort(piece, kind="stable")
        piece, local = piece[by_piece], (wanted - self.starts[piece])[by_piece]
        edges = [0, *(np.flatnonzero(np.diff(piece)) + 1).tolist(), len(piece)]
        runs = [(int(piece[a]), a, b) for a, b in itertools.pairwise(edges)]
        values = np.empty((len(wanted), self.pieces[0][0].shape[1]), dtype=np.float32)
        # a metadata column's type may differ between row groups (an int column with nulls in one)
        meta = {
            c: np.empty(len(wanted), dtype=np.result_type(*(self.pieces[p][1][c].dtype for p, _, _ in runs)))
            for c in self.pieces[0][1]
        }
        for p, a, b in runs:
            source_values, source_meta = self.pieces[p]
            np.take(source_values, local[a:b], axis=0, out=values[a:b], mode="clip")  # "clip": unbuffered
            for c, column in source_meta.items():
                meta[c][a:b] = column[local[a:b]]
        return Batch(values, meta)


_dataset_class: type | None = None


def _make_dataset_class() -> type:
    import torch
    from torch.utils.data import IterableDataset, get_worker_info

    class ExportDataset(IterableDataset):  # type: ignore[misc]  # torch is untyped to mypy (pyproject)
        """Batches of one split as ``(torch.Tensor, metadata)``; shards row groups by DataLoader
        worker (and by ``rank``/``world_size`` when training on several processes)."""

        def __init__(
            self,
            path: str | Path,
            split: str = "train",
            batch_size: int = 256,
            columns: Sequence[str] | None = ("sample_accession",),
            shuffle_seed: int | None = None,
            *,
            rank: int = 0,
            world_size: int = 1,
            drop_last: bool = False,
        ) -> None:
            super().__init__()
            self.path, self.split, self.batch_size = Path(path), split, batch_size
            self.columns, self.shuffle_seed, self.drop_last = columns, shuffle_seed, drop_last
            self.rank, self.world_size, self.epoch = rank, world_size, 0

        def set_epoch(self, epoch: int) -> None:
            self.epoch = epoch

        def __iter__(self) -> Iterator[tuple[Any, dict[str, Any]]]:
            info = get_worker_info()
            workers, worker_id = (info.num_workers, info.id) if info is not None else (1, 0)
            shard = (self.rank * workers + worker_id, self.world_size * workers)
            for values, meta in iter_batches(
                self.path,
                self.split,
                self.batch_size,
                self.columns,
                self.shuffle_seed,
                epoch=self.epoch,
                worker=shard,
                drop_last=self.drop_last,
            ):
                yield torch.from_numpy(np.ascontiguousarray(values)), meta

    ExportDataset.__module__ = __name__
    return ExportDataset


def __getattr__(name: str) -> Any:
    # ExportDataset subclasses torch's IterableDataset, so it is built on first use: importing
    # rnacorpus (or this module) never imports torch.
    global _dataset_class
    if name == "ExportDataset":
        if _dataset_class is None:
            try:
                _dataset_class = _make_dataset_class()
            except ImportError:
                raise ImportError("rnacorpus.read.ExportDataset needs PyTorch: pip install torch") from None
        return _dataset_class
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
