"""gzip inflated by ISA-L in a thread of its own, handed to the reader in the blocks it produced.

A family SOFT parser reads ~1 GB of text per 1,000 samples while its table workers parse what it
found. ISA-L's own threaded reader (``isal.igzip_threaded``) hands its blocks over through
``readinto`` only: the reading thread copies each inflated block into a buffer of its own — 1 GB
of copies into freshly allocated (page-faulted) memory per GB of text, with the GIL held, on the
thread that scans the text and feeds the workers. :meth:`InflatingThread.read_block` hands over the
block object itself (no copy); :meth:`InflatingThread.readinto` stays for readers that want a
buffer filled.

Errors keep their place: whatever the inflation raises (a corrupt or truncated stream, a bad
trailer) is raised by the read that reaches that point of the stream, in the reading thread, as
with an unthreaded reader; nothing is lost or reordered before it.
"""

from __future__ import annotations

import io
import queue
import threading
from typing import BinaryIO

from isal.igzip import _IGzipReader  # ISA-L's C gzip reader (inflates outside the GIL), as igzip_threaded uses it

__all__ = ["BLOCK_SIZE", "InflatingThread"]

#: inflated bytes per block: what ISA-L's threaded reader uses, and the scanner's own read size
BLOCK_SIZE = 1 << 20
#: blocks inflated ahead of the reader (memory: this many blocks, whatever the file's size). A family
#: SOFT's scanner holds the GIL in bursts (a sample's record, its table workers' numpy steps) and stops
#: reading meanwhile; blocks banked then keep this thread busy on a core the GIL-bound threads leave
#: idle. With 2 the scanner of the 1 GB file waited 0.4–0.65 s in all for blocks, with 8 0.15–0.28 s
_AHEAD = 8
#: how long a blocked hand-over waits before it looks again whether the other side is gone
_POLL_SECONDS = 0.05


class InflatingThread(io.RawIOBase):
    """Reads the gzip stream ``raw`` (all its members) in a worker thread, :data:`BLOCK_SIZE` at a time.

    ``raw`` stays the caller's: :meth:`close` stops and joins the worker, it does not close ``raw``.
    """

    def __init__(self, raw: BinaryIO, *, block_size: int = BLOCK_SIZE, ahead: int = _AHEAD) -> None:
        super().__init__()
        self._inflater = _IGzipReader(raw, buffersize=8 * block_size)
        self._block_size = block_size
        self._blocks: queue.Queue[bytes] = queue.Queue(ahead)
        #: what the inflation raised; handed over after the blocks before it, with the end marker
        self._error: BaseException | None = None
        self._running = True
        self._ended = False
        #: what :meth:`readinto` has not yet handed out of the current block
        self._rest = memoryview(b"")
        self._caller = threading.current_thread()
        self._worker = threading.Thread(target=self._inflate, name="inflate-gzip", daemon=True)
        self._worker.start()

    def readable(self) -> bool:
        return True

    def _inflate(self) -> None:
        # runs until the end of the stream, an error, close(), or the end of the thread that reads
        while self._running and self._caller.is_alive():
            try:
                block = self._inflater.read(self._block_size)
            except BaseException as exc:
                self._error = exc
                block = b""
            while self._running and self._caller.is_alive():
                try:
                    self._blocks.put(block, timeout=_POLL_SECONDS)
                    break
                except queue.Full:
                    continue
            if not block:
                return

    def read_block(self) -> bytes:
        """The next inflated block as the worker produced it (``b""`` at the end of the stream).

        After a :meth:`readinto` that took part of a block, the rest of that block comes first."""
        if self._rest:
            rest, self._rest = bytes(self._rest), memoryview(b"")
            return rest
        return self._next_block()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if not self._rest:
            block = self._next_block()
            if not block:
                return 0
            self._rest = memoryview(block)
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n

    def _next_block(self) -> bytes:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        while not self._ended:
            try:
                block = self._blocks.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if self._worker.is_alive() or not self._blocks.empty():
                    continue
                self._ended = True  # the worker stopped without an end marker: only close() does that
                break
            if block:
                return block
            self._ended = True
        if self._error is not None:
            raise self._error
        return b""

    def close(self) -> None:
        if self.closed:
            return
        self._running = False
        while True:  # a worker waiting to hand over a block sees the stop at its next look
            try:
                self._blocks.get_nowait()
            except queue.Empty:
                break
        self._worker.join()
        self._inflater.close()  # type: ignore[no-untyped-call]
        self._rest = memoryview(b"")
        super().close()
