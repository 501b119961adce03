"""A feature-level shard's row groups encoded while the parser still spools its samples.

After a family SOFT's parse, its feature-level shard (the values as deposited, one Parquet row group
per :data:`~rnacorpus.schemas.CHUNK_SAMPLES` samples) cost 1.0–1.3 CPU-s of Arrow encoding on one
thread, most of it after everything else of the study was done (``docs/benchmarks.md``, 1 GB
harvest). Its row groups do not depend on anything the parse decides at its end: a row group is its
samples' names and their spooled values, and the shard's own metadata (feature IDs, unit,
provenance) lives only in the footer (shard format 3: no Arrow schema copy, the ``rnacorpus.*`` keys
added to the footer). So :class:`EarlyFeatureShards`, installed around a build
(:func:`rnacorpus.schemas.early_rows.watching_rows`), gives each spool a :class:`EarlyShard` that
encodes every full chunk of rows as soon as the parser has spooled it — on one thread of its own
(:class:`~rnacorpus.catalog.job_lane.JobLane`; the chunks it has not reached when the shard is written
are encoded by the writing thread) — into
a private temp file in the store's ``expression`` folder (a name of
:func:`~rnacorpus.fileio.private_temp_name`'s shape, so a killed build's leftover is swept like any
atomic write's). :meth:`ExpressionStore.write <rnacorpus.catalog.store.ExpressionStore.write>` then
finishes it — the last chunk, the footer's keys, fsync, a rename to the shard's name — instead of
encoding the matrix again.

It is used only when the finished matrix is exactly what was encoded (:meth:`EarlyShard.matches`:
the same spool, the same rows in the same order, every row at the matrix's final width); otherwise
(a later sample added features, the study's samples were a selection of the file's, a remote store)
the encoding is dropped (its temp file removed) and the shard is written after the
parse as before. Either way the bytes, and so the sha256, are those of the plain write: a test
compares them. A failure while encoding is raised by the shard's write (the study fails as any
shard write failure makes it fail) and leaves no file.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from pathlib import Path
from types import TracebackType
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from rnacorpus.catalog.job_lane import JobLane
from rnacorpus.catalog.shard_format import VALUE_WRITE_OPTIONS, chunk_table, shard_fields
from rnacorpus.fileio import HashingWriter, fsync_dir, private_temp_name
from rnacorpus.schemas import CHUNK_SAMPLES, SpooledMatrix, ValueSpool
from rnacorpus.schemas.early_rows import watching_rows

__all__ = ["EarlyFeatureShards", "EarlyShard", "early_shard_of"]

log = logging.getLogger(__name__)

#: bytes Arrow gathers before handing them to the hashing writer (as ``ExpressionStore.write``)
_WRITE_BUFFER = 4 << 20


class EarlyShard:
    """One spool's shard, encoded a chunk of rows at a time on ``lane`` (in order, while the parse
    runs); :meth:`finish` takes over what the lane has not done."""

    def __init__(self, folder: Path, spool: ValueSpool, lane: JobLane) -> None:
        #: the store's folder the temp file goes in (renamed into the shard's folder: the same filesystem)
        self.folder = folder
        #: the temp file the row groups go to and its descriptor, made with the first full chunk (a
        #: matrix of fewer samples is written after the parse, as before); removed when dropped
        self._path: Path | None = None
        self._fd: int | None = None
        self._spool = spool
        self._lane = lane
        self.names: list[str] = []
        self.rows: list[int] = []
        self.width: int | None = None
        self._pending = 0  # rows spooled but not yet handed to the lane
        #: the first error of an encoding job (the later jobs then do nothing); raised by finish
        self._error: BaseException | None = None
        self._file: IO[bytes] | None = None
        self._sink: HashingWriter | None = None
        self._out: pa.NativeFile | None = None
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self.dropped = False
        self.finished = False

    # -- the parser's side (its own thread) ---------------------------------------------------------
    def spooled(self, sample: str, row: int, width: int) -> None:
        if self.dropped:
            return
        if self.width is None:
            self.width = width
        elif width != self.width:  # a sample added features: earlier rows read back wider
            self.drop()
            return
        self.names.append(sample)
        self.rows.append(row)
        self._pending += 1
        if self._pending == CHUNK_SAMPLES:
            self._submit()

    def _submit(self) -> None:
        if self._path is None and not self._create():
            return
        start = len(self.rows) - self._pending
        names, rows, width = self.names[start:], self.rows[start:], self.width
        self._pending = 0
        assert width is not None
        self._lane.submit(self, functools.partial(self._encode, names, rows, width))

    def _create(self) -> bool:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = private_temp_name(self.folder / "early-shard", ".part")  # swept as any build's temp file
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError as exc:  # the shard is written after the parse instead, where the error may show
            log.debug("no early shard in %s: %s", self.folder, exc)
            self.drop()
            return False
        self._path = path
        return True

    # -- the lane's thread, or the finishing thread once it took over ------------------------------
    def _encode(self, names: list[str], rows: list[int], width: int) -> None:
        if self.dropped or self._error is not None:
            return
        try:
            if self._writer is None:
                self._open()
            assert self._writer is not None and self._schema is not None
            values = self._spool.read(rows, width)
            self._writer.write_table(chunk_table(self._schema, names, values, width), row_group_size=CHUNK_SAMPLES)
        except BaseException as exc:  # kept for finish (the lane's thread must not raise)
            self._error = exc

    def _open(self) -> None:
        # the shard's schema without its metadata: with store_schema=False a schema's metadata is
        # written nowhere; the footer's keys are added at the end, as open_shard_writer adds them
        assert self._fd is not None
        self._file = os.fdopen(os.dup(self._fd), "wb")
        self._sink = HashingWriter(self._file)
        self._out = pa.BufferedOutputStream(pa.PythonFile(self._sink, mode="w"), buffer_size=_WRITE_BUFFER)
        self._schema = pa.schema(shard_fields())
        self._writer = pq.ParquetWriter(self._out, self._schema, store_schema=False, **VALUE_WRITE_OPTIONS)

    # -- the store's side --------------------------------------------------------------------------
    def matches(self, matrix: SpooledMatrix) -> bool:
        """The finished ``matrix`` is exactly the rows this shard encodes (so its bytes are the plain write's)."""
        return (
            not self.dropped
            and not self.finished
            and self._path is not None  # at least one chunk encoded during the parse
            and matrix.watcher is self
            and matrix.spool is self._spool
            and self.width == len(matrix.feature_ids)
            and self.rows == list(matrix.rows)
            and self.names == list(matrix.sample_accessions)
        )

    def finish(self, target: Path, metadata: dict[str, str]) -> tuple[str, int]:
        """Encode what is left, add the footer's keys, and give the file the name ``target``
        atomically (replacing a file of that name); its sha256 and size. Raises what the encoding raised."""
        try:
            for job in self._lane.take_over(self):  # what the lane has not done yet: done here
                job()
            if self._pending:
                start = len(self.rows) - self._pending
                assert self.width is not None
                self._encode(self.names[start:], self.rows[start:], self.width)
            if self._error is not None:
                raise self._error
            if self._writer is None:  # no rows at all: matches() refuses an empty matrix's width
                raise RuntimeError("an early shard with no rows cannot be finished")
            assert self._out is not None and self._sink is not None and self._file is not None
            assert self._fd is not None and self._path is not None
            self._writer.add_key_value_metadata(metadata)
            self._writer.close()
            self._out.close()
            self._file.flush()
            os.fsync(self._fd)
            target.parent.mkdir(parents=True, exist_ok=True)
            self._path.replace(target)  # the temp file is in the store: the same filesystem
            self._path = None
            fsync_dir(target.parent)
            self.finished = True
            return self._sink.sha256.hexdigest(), self._sink.size
        finally:
            self._close()

    def drop(self) -> None:
        """Stop encoding and remove the temp file (idempotent; waits for a chunk being encoded)."""
        self.dropped = True
        self._lane.take_over(self)  # its jobs dropped, the one running (if any) ended
        self._close()

    def _close(self) -> None:
        for closing in (self._writer, self._out, self._sink, self._file):
            if closing is not None:
                with contextlib.suppress(Exception):
                    closing.close()
        self._writer, self._out, self._sink, self._file = None, None, None, None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._path is not None:  # not renamed into place: nobody else will
            with contextlib.suppress(FileNotFoundError):
                self._path.unlink()
            self._path = None


class EarlyFeatureShards:
    """``with EarlyFeatureShards(store_folder):`` around a build: every spool a parser fills inside
    gets an :class:`EarlyShard` (one encoder thread for all of them); at the end of the block the
    ones no shard write took are dropped."""

    def __init__(self, store_root: Path | None) -> None:
        self._folder = None if store_root is None else store_root / "expression"
        self._lane: JobLane | None = None
        self._shards: list[EarlyShard] = []
        self._watching: contextlib.ExitStack | None = None

    def _watcher(self, spool: ValueSpool) -> EarlyShard | None:
        if self._folder is None:
            return None
        if self._lane is None:
            self._lane = JobLane("rnacorpus-early-shard")
        shard = EarlyShard(self._folder, spool, self._lane)
        self._shards.append(shard)
        return shard

    def __enter__(self) -> EarlyFeatureShards:
        self._watching = contextlib.ExitStack()
        self._watching.enter_context(watching_rows(self._watcher))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._watching is not None
        self._watching.close()
        for shard in self._shards:
            if not shard.finished:
                shard.drop()
        if self._lane is not None:
            self._lane.close()


def early_shard_of(matrix: object, store_root: Path) -> EarlyShard | None:
    """The early shard ``matrix`` can be finished from in the store at ``store_root``, if any (see
    :meth:`EarlyShard.matches`)."""
    if isinstance(matrix, SpooledMatrix) and isinstance(matrix.watcher, EarlyShard):
        shard = matrix.watcher
        return shard if shard.folder == store_root / "expression" and shard.matches(matrix) else None
    return None
