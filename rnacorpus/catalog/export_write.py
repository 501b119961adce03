"""Writing an export's values: shard by shard into ``<split>/part-NNNNN.parquet``, memory flat in samples.

Each part file (:mod:`.export_parts`) holds one row per sample: a few metadata columns (accession,
study, split unit, organism, platform, the harmonized labels, unit, ``gene_coverage``) and
``values``, a ``fixed_size_list<float32>`` in ``features.parquet`` order. Genes the sample's shard
does not have, or that its normalization could not compute, are NaN — never zero — and
``gene_coverage`` is the share of the export's genes that are not NaN.

Three kinds of threads share the work, each step bounded by a short queue (:mod:`.export_threads`): a
reader decodes each shard block (in its own thread, while a helper thread checksums the shard:
:mod:`.shard_rows`; the blocks: :mod:`.export_blocks`); this thread normalizes the block's rows — scale
and the export's gene order — straight into the row groups of their split, with their metadata (fetched a
window ahead by a helper thread: :mod:`.export_metadata`); :data:`.export_parts.LANES` writers encode the
groups. Decoding and normalizing were one stage until measured: on two cores that stage alone took ~75%
of the export's wall time (decode, then sha256, then arithmetic, one after the other), so the encoders
waited on it. Then normalizing had a thread of its own, writing each block into a new array that this
thread copied into the row groups; normalizing into the groups' buffers here instead spares that copy,
the block-sized arrays and a thread hand-off per block (10^4 samples: 5.62 → 5.02 CPU-s, median of five
interleaved pairs, with :mod:`.export_memory`; same bytes). Memory in flight is a fixed number of
buffers, not a matter of timing: at most :data:`.export_blocks.BLOCKS_QUEUED` decoded block(s) wait for
this thread (the reader holds one more), each split fills one row group (its own rows, so a block is
freed once its rows are in), and each writer lane holds one queued and one encoding row group — buffers
lent from one pool allocated (and touched whole) at the start (:class:`.export_buffers.GroupBuffers`), so
they are resident at every size, not as the lanes' timing needs them; what is kept per written sample is
four numbers. The same plan writes the same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rnacorpus.catalog.export_blocks import BlockReader, DecodedBlock
from rnacorpus.catalog.export_buffers import GroupBuffers
from rnacorpus.catalog.export_metadata import SampleMetadata
from rnacorpus.catalog.export_parts import (
    LANES,
    SplitParts,
    buffers_in_flight,
    locate,
    part_name,
    part_schema,
    rows_per_group,
)
from rnacorpus.catalog.export_plan import ExportPlan, ShardRun
from rnacorpus.catalog.export_threads import OrderedWorker
from rnacorpus.catalog.shard_rows import checksum_cpu_seconds
from rnacorpus.catalog.store import ExpressionStore

__all__ = ["WriteResult", "write_parts"]


@dataclass
class WriteResult:
    files: list[dict[str, Any]] = field(default_factory=list)
    #: one row per written sample: ``plan_row`` (its row in ``ExportPlan.rows``), ``split``,
    #: ``part`` (file path), ``row`` (in the part), ``gene_coverage``
    written: pa.Table = field(default_factory=lambda: pa.table({}))
    below_coverage: dict[str, float] = field(default_factory=dict)
    #: CPU seconds of each stage: read (decode), checksum (the shards' sha256, in its own thread),
    #: normalize and assemble (the caller's thread, split by timing the normalization), metadata (the
    #: sample metadata's queries, in a helper thread), encode (all lanes: encode, the parts' sha256, writes)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    #: samples per row group the parts were written with (the manifest's ``layout.row_group_rows``)
    group_rows: int = 0

    @property
    def n_samples(self) -> int:
        return int(self.written.num_rows)

    @functools.cached_property
    def order(self) -> npt.NDArray[np.intp]:
        """The written rows in split order, then part, then row (the order of the parts' own rows, in
        which ``samples.parquet`` and the manifest list them): sorted once, when first asked — after
        the writing, which sets :attr:`written`."""
        part_codes = self.written["part"].combine_chunks().indices.to_numpy()  # codes follow split, then part
        order: npt.NDArray[np.intp] = np.lexsort((self.written["row"].to_numpy(), part_codes))
        return order


def write_parts(
    con: duckdb.DuckDBPyConnection,
    store: ExpressionStore,
    plan: ExportPlan,
    root: Path,
    tick: Callable[[str], None] = lambda _: None,
    group_rows: int | None = None,
    while_lanes_finish: Callable[[WriteResult], None] = lambda _: None,
) -> WriteResult:
    """Write every split's part files under ``root``; returns their entries and where each sample went.

    ``group_rows`` (samples per row group) defaults to :func:`rows_per_group` of the gene space; a
    rebuild passes the one its manifest records, so files written by a release with another row-group
    size still rebuild byte-identical.

    ``while_lanes_finish`` is called in this thread once every row has been dealt, with the result's
    ``written`` and ``below_coverage`` complete but no part file listed yet: work that needs where each
    sample went but not the parts' bytes (the export's ``samples.parquet``) runs there while the
    lanes encode, hash and fsync their last row groups, instead of after them."""
    n = len(plan.genes.ids)
    schema = part_schema(n)
    result = WriteResult(group_rows=group_rows or rows_per_group(n))
    names = plan.options.split_spec.names
    workers = [OrderedWorker(depth=1) for _ in range(LANES)]
    codec = plan.options.compression
    buffers = GroupBuffers(
        result.group_rows, n, buffers_in_flight(len(names), _groups_at_most(plan, result.group_rows))
    )
    parts = {
        name: SplitParts(root, name, schema, result.group_rows, workers, result.files, codec, buffers) for name in names
    }
    metadata = SampleMetadata(con, plan.rows["sample_accession"], schema, root)
    log = _WriteLog(names, result.group_rows)
    reader_cpu: dict[str, float] = {}
    started, checksum_before = time.thread_time(), checksum_cpu_seconds()
    current: ShardRun | None = None
    reader = BlockReader(store, plan)
    blocks = reader.pipelined(reader_cpu)
    try:
        for block in blocks:
            if current is not None and block.run is not current:
                tick(current.study or current.path)
            current = block.run
            _add_block(plan, parts, metadata, log, result, block, reader)
        if current is not None:
            tick(current.study or current.path)
        metadata.close()
        for split in parts.values():
            split.close()
        buffers.drain()  # every row is dealt: the pool's pages go back as the lanes finish
        result.written = log.table()
        assembled = time.thread_time() - started
        while_lanes_finish(result)
        for worker in workers:
            worker.close()
    except BaseException:
        blocks.close()  # stops the reading threads first
        metadata.close()
        for worker in workers:
            with contextlib.suppress(BaseException):  # the first error is the one to report
                worker.close()
        for split in parts.values():
            split.abort()
        raise
    result.files.sort(key=lambda entry: str(entry["path"]))
    result.cpu_seconds = {
        "read": reader_cpu.get("read", 0.0),
        "checksum": checksum_cpu_seconds() - checksum_before,
        "normalize": reader.cpu,
        "assemble": assembled - reader.cpu,
        "metadata": metadata.cpu,
        "encode": sum(worker.cpu_seconds for worker in workers),
    }
    return result


def _groups_at_most(plan: ExportPlan, group_rows: int) -> int:
    """Row groups the plan's splits fill at most (fewer when samples fall below the gene coverage)."""
    splits = plan.rows["split"].value_counts().field("counts").to_numpy(zero_copy_only=False)
    return int(sum(-(-int(count) // group_rows) for count in splits))


class _WriteLog:
    """Where each written sample went, as arrays (four numbers per sample)."""

    def __init__(self, names: tuple[str, ...], group_rows: int) -> None:
        self.names, self.group_rows = names, group_rows
        self.plan_rows: list[npt.NDArray[np.int64]] = []
        self.splits: list[npt.NDArray[np.int16]] = []
        self.split_rows: list[npt.NDArray[np.int64]] = []
        self.coverage: list[npt.NDArray[np.float32]] = []

    def add(self, plan_rows: npt.NDArray[np.int64], split: int, first: int, coverage: npt.NDArray[np.float32]) -> None:
        self.plan_rows.append(plan_rows)
        self.splits.append(np.full(len(plan_rows), split, dtype=np.int16))
        self.split_rows.append(np.arange(first, first + len(plan_rows), dtype=np.int64))
        self.coverage.append(coverage)

    def table(self) -> pa.Table:
        def joined(arrays: list[Any], dtype: Any) -> Any:
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

        splits = joined(self.splits, np.int16)
        part, row = locate(joined(self.split_rows, np.int64), self.group_rows)
        # one file name per (split, part), in path order; rows point at it (not a string per row)
        width = int(part.max(initial=0)) + 1
        unique, codes = np.unique(splits.astype(np.int64) * width + part, return_inverse=True)
        files = [part_name(self.names[int(k // width)], int(k % width)) for k in unique]
        return pa.table(
            {
                "plan_row": joined(self.plan_rows, np.int64),
                "split": pa.DictionaryArray.from_arrays(pa.array(splits), pa.array(self.names, pa.string())),
                "part": pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(files, pa.string())),
                "row": row,
                "gene_coverage": joined(self.coverage, np.float32),
            }
        )


def _add_block(
    plan: ExportPlan,
    parts: dict[str, SplitParts],
    metadata: SampleMetadata,
    log: _WriteLog,
    result: WriteResult,
    block: DecodedBlock,
    reader: BlockReader,
) -> None:
    """Normalize a block's rows into the row groups of their splits, with their metadata.

    The usual block (a shard's rows go to its study's split, and no ``--min-gene-coverage`` may drop
    one) is normalized a group's share at a time straight into the group's buffer; otherwise the whole
    block is normalized first and its kept rows are copied into their splits' groups."""
    n_rows, offset = len(block.samples), block.offset
    meta = metadata.rows(offset, offset + n_rows)
    own = plan.rows.slice(offset, n_rows)
    splits = own["split"].to_numpy(zero_copy_only=False)
    names = plan.options.split_spec.names
    minimum = plan.options.min_gene_coverage
    if minimum is None and (splits == splits[0]).all():
        name = str(splits[0])
        coverage = np.empty(n_rows, dtype=np.float32)

        def normalized(into: npt.NDArray[np.float32], first: int, stop: int) -> pa.Array:
            coverage[first:stop] = reader.normalize_into(block, first, stop, into)
            return pa.array(coverage[first:stop], pa.float32())

        target, assigned = parts[name], parts[name].assigned
        columns = [*meta.columns, own["split_unit"], pa.array(np.full(n_rows, name, dtype=object), pa.string())]
        target.fill(pa.Table.from_arrays(columns, schema=target.fill_schema), normalized)
        log.add(offset + np.arange(n_rows, dtype=np.int64), names.index(name), assigned, coverage)
        return
    values = np.empty((n_rows, len(plan.genes.ids)), dtype=np.float32)
    coverage = reader.normalize_into(block, 0, n_rows, values)
    keep = np.ones(n_rows, dtype=bool)
    if minimum is not None:
        keep = coverage >= minimum
        for i in np.flatnonzero(~keep):
            result.below_coverage[block.samples[i]] = round(float(coverage[i]), 6)
    for index, name in enumerate(names):
        chosen = np.flatnonzero(keep & (splits == name))
        if not len(chosen):
            continue
        target = parts[name]
        whole = len(chosen) == n_rows
        take = pa.array(chosen)
        columns = [
            *(meta if whole else meta.take(take)).columns,
            (own if whole else own.take(take))["split_unit"],
            pa.array(np.full(len(chosen), name, dtype=object), pa.string()),
            pa.array(coverage[chosen], pa.float32()),
        ]
        log.add(offset + chosen.astype(np.int64), index, target.assigned, coverage[chosen])
        target.add(pa.Table.from_arrays(columns, schema=target.meta_schema), values, None if whole else chosen)
