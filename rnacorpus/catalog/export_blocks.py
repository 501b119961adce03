"""An export's shard blocks, in plan order: decoded one thread ahead, then normalized on demand into
the export's scale and gene order, straight into the row group each row goes to
(:class:`BlockReader`; the writing thread, :func:`.export_write.write_parts`, asks for them). Split
from :mod:`.export_write` when that passed 400 lines.

Each decoded block's samples are checked against the plan's before its values are used
(:func:`check_rows`): a shard row holding another sample than the catalog says would otherwise go out
under that sample's labels.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rnacorpus.catalog.column_map import ColumnMap
from rnacorpus.catalog.export_genes import LengthLookup
from rnacorpus.catalog.export_plan import ExportPlan, ShardRun
from rnacorpus.catalog.export_threads import background_thread, prefetch
from rnacorpus.catalog.normalize import BlockNormalization, LengthScale, NormalizeScratch
from rnacorpus.catalog.store import ExpressionStore, ShardData
from rnacorpus.errors import BadContentError

__all__ = ["BLOCKS_QUEUED", "BlockReader", "DecodedBlock", "ReadBlock", "check_rows"]

#: decoded blocks waiting between the reader and the writing thread
BLOCKS_QUEUED = 1


@dataclass
class ReadBlock:
    """One shard block as the reading thread hands it over: decoded, with its shard's column map."""

    run: ShardRun
    offset: int  # the block's first row in the plan
    block: ShardData
    columns: ColumnMap
    lengths: LengthScale | None


@dataclass
class DecodedBlock:
    """One decoded shard block and what normalizing its rows takes (computed once per block)."""

    run: ShardRun
    offset: int  # the block's first row in the plan
    samples: list[str]
    #: its values as stored, with their scale and gene order decided
    normalization: BlockNormalization


class BlockReader:
    """The plan's shard blocks in order, decoded one thread ahead; each block's rows normalized into
    the export's scale and gene order on demand (:meth:`normalize_into`), straight into the row group
    they go to.

    The column map and gene lengths (as a :class:`.normalize.LengthScale`) are computed once per
    distinct feature list (shards of one platform share theirs), not per block.
    """

    def __init__(self, store: ExpressionStore, plan: ExportPlan) -> None:
        self.store, self.plan = store, plan
        self.rule = plan.options.rule
        self.n_features = len(plan.genes.ids)
        #: CPU seconds spent normalizing (in the caller's thread)
        self.cpu = 0.0
        #: the normalization's work arrays, reused by every block (all normalized in the caller's thread)
        self.scratch = NormalizeScratch()
        taxa = sorted(t for t in set(plan.rows["organism_taxid"].to_pylist()) if t is not None)
        # the gene lengths are built beside the first shard's read (~0.05-0.1 s: the reference's IDs
        # into pandas), not before it: only the normalization needs them, once the first block is decoded
        self.lengths = (
            background_thread("rnacorpus-export-lengths").submit(LengthLookup, taxa) if self.rule.per_length else None
        )
        #: footer text → the shard feature list parsed from it (one list object per distinct list)
        self.feature_lists: dict[str, list[str]] = {}
        self._columns: dict[int, tuple[list[str], ColumnMap, LengthScale | None]] = {}
        self._last: tuple[list[str], ColumnMap, LengthScale | None] | None = None
        self._run: ShardRun | None = None
        self._run_samples: tuple[list[str], npt.NDArray[np.str_]] = ([], np.zeros(0, dtype=str))

    def _columns_for(self, feature_ids: list[str]) -> tuple[ColumnMap, LengthScale | None]:
        last = self._last
        if last is not None and last[0] is feature_ids:  # the blocks of one shard share its list
            return last[1], last[2]
        # shards that list the same features share one list (self.feature_lists): found by identity
        known = self._columns.get(id(feature_ids))
        if known is None or known[0] is not feature_ids:
            columns = ColumnMap.between(feature_ids, self.plan.genes.ids)
            scale = LengthScale.of(self.lengths.result()(feature_ids), columns) if self.lengths else None
            known = (feature_ids, columns, scale)
            if len(self._columns) >= 16:  # both caches start again: at most 16 lists kept
                self._columns.clear()
                self.feature_lists.clear()
            self._columns[id(feature_ids)] = known
        self._last = (feature_ids, known[1], known[2])
        return known[1], known[2]

    def decoded(self) -> Iterator[ReadBlock]:
        """Each shard block as stored, with its run, its first row in the plan (checksummed) and its
        shard's column map and gene lengths. The maps are made here, in the reading thread, which
        runs ahead of the normalizing one (~5-25 ms a distinct feature list, each holding the GIL)."""
        for run in self.plan.shard_runs():
            rows = self.plan.rows["row_index"].slice(run.start, run.stop - run.start).to_numpy()
            offset = run.start
            for block in self.store.iter_rows(run.path, rows, sha256=run.sha256, feature_lists=self.feature_lists):
                try:
                    columns, lengths = self._columns_for(block.feature_ids)
                except ValueError as exc:  # a feature listed twice: which of its columns is the gene's?
                    raise BadContentError(f"shard feature list: {exc}", path=run.path) from exc
                yield ReadBlock(run, offset, block, columns, lengths)
                offset += len(block.sample_accessions)

    def _run_rows(self, run: ShardRun) -> tuple[list[str], npt.NDArray[np.str_]]:
        """The run's samples and units as the plan has them, converted once per run (not per block)."""
        if self._run is not run:
            rows = self.plan.rows.slice(run.start, run.stop - run.start)
            units = rows["unit"].to_numpy(zero_copy_only=False).astype(str)
            self._run, self._run_samples = run, (rows["sample_accession"].to_pylist(), units)
        return self._run_samples

    def prepared(self, item: ReadBlock) -> DecodedBlock:
        """A decoded block with its column map, gene lengths and units (its rows checked against the plan)."""
        run, offset, block = item.run, item.offset, item.block
        count = len(block.sample_accessions)
        samples, units = self._run_rows(run)
        within = slice(offset - run.start, offset - run.start + count)
        check_rows(samples[within], run, block.sample_accessions)
        normalization = self.rule.normalizing(block.values, units[within], item.lengths, item.columns)
        return DecodedBlock(run, offset, block.sample_accessions, normalization)

    def normalize_into(
        self, block: DecodedBlock, start: int, stop: int, out: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        """Rows ``start:stop`` of ``block`` in the export's scale and gene order, written into ``out``; their
        gene coverage (the share of the export's genes that are not NaN)."""
        started = time.thread_time()
        n = self.n_features
        nan_cells = block.normalization.into(out, start, stop, scratch=self.scratch)
        coverage = (np.float32(n) - nan_cells.astype(np.float32)) / np.float32(max(n, 1))
        self.cpu += time.thread_time() - started
        return coverage

    def pipelined(self, cpu: dict[str, float]) -> Generator[DecodedBlock, None, None]:
        """The blocks, decoded one thread ahead (``cpu["read"]``: that thread's CPU seconds)."""
        decoded = prefetch(self.decoded(), depth=BLOCKS_QUEUED, cpu=cpu, name="read")
        try:
            yield from map(self.prepared, decoded)
        finally:
            decoded.close()


def check_rows(expected: list[str], run: ShardRun, samples: list[str]) -> None:
    """The shard rows hold the samples the catalog says they hold (else values would get wrong labels)."""
    if expected != samples:
        want, got = next((e, b) for e, b in zip(expected, samples, strict=True) if e != b)
        raise BadContentError(
            f"shard row holds {got} where the catalog expects {want}: the catalog and the store disagree; "
            "re-harvest the study",
            path=run.path,
        )
