"""Line-level reading of GEO SOFT text: a chunked byte reader and the grammar of one line.

SOFT is line oriented. Header lines start with ``^`` (entity), ``!`` (attribute or table marker) or
``#`` (column description); everything between ``!xxx_table_begin`` and ``!xxx_table_end`` is
tab-separated data. A family SOFT of a large series is millions of data lines, so the reader never
looks at data lines one by one in Python: :meth:`SoftByteReader.read_table_block` finds the next
line that starts with ``!`` or ``^`` with ``bytes.find`` and hands the rows over as one bytes block,
which :mod:`rnacorpus.harvester.geo.tables` parses with Arrow's CSV reader.
"""

from __future__ import annotations

import codecs
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, cast

import numpy as np
from isal.isal_zlib import error as IsalError

from rnacorpus.errors import BadContentError, RnacorpusError, TruncatedError
from rnacorpus.fileio import GZIP_MAGIC
from rnacorpus.harvester.checks import CheckLimits

__all__ = [
    "LEGACY_FALLBACK",
    "Line",
    "LineKind",
    "SoftByteReader",
    "classify_line",
    "decode_text",
    "open_soft_bytes",
    "split_field",
]

logger = logging.getLogger(__name__)

# 1 MiB: big enough that bytes.find does the scanning, small enough not to show in peak memory
_CHUNK = 1 << 20
_MARKERS = (ord("!"), ord("^"))
_NEWLINE = ord("\n")
#: how far ahead :meth:`SoftByteReader.read_field_lines` looks for the end of a run of field lines
_FIELD_RUN_MAX = 1 << 16
#: what ends a run of field lines before it is split (a conservative bound: the run may end sooner);
#: two bytes each (read_field_lines' window search relies on it)
_FIELD_RUN_ENDS = (b"\n^", b"\n#")
#: the first stretch of a run's range searched for its end (read_field_lines)
_FIELD_SCAN_WINDOW = 1 << 12
# ISA-L (fileio's gzip engine) raises its own error type for corrupt deflate data, not OSError
_STREAM_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zlib.error,
    cast(type[BaseException], IsalError),
)

LineKind = Literal["entity", "attribute", "column", "table_begin", "table_end", "data", "blank"]

#: codec error handler: bytes that are not UTF-8 are read as Windows-1252 (then Latin-1), the
#: encodings old GEO submissions actually used (ARCHIVES.md §8), instead of becoming U+FFFD
LEGACY_FALLBACK = "rnacorpus-cp1252-fallback"
_CP1252_HOLES = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})  # undefined in cp1252: taken as Latin-1


def _legacy_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return "".join(
        bytes([b]).decode("cp1252", errors="strict") if b not in _CP1252_HOLES else chr(b) for b in chunk
    ), error.end


codecs.register_error(LEGACY_FALLBACK, _legacy_fallback)


def decode_text(raw: bytes) -> str:
    """UTF-8, with stray legacy bytes read as Windows-1252 rather than dropped."""
    return raw.decode("utf-8", LEGACY_FALLBACK)


def open_soft_bytes(path: str | Path, *, threaded: bool = False, limits: CheckLimits | None = None) -> BinaryIO:
    """Open a SOFT-like file for binary reading; gzip is detected by content (``threaded``: see
    :meth:`CheckLimits.open`).

    ``limits`` are the decompression (gzip bomb) limits the user configured
    (:meth:`CheckLimits.from_config`); without them, the library defaults.

    A file named ``.gz`` that is not gzip is refused: it is almost always an HTML error page or a
    half-written download stored under the archive's name (ARCHIVES.md §8).
    """
    name = str(path)
    if name.endswith((".gz", ".tgz")):
        with Path(path).open("rb") as raw:
            first = raw.read(16)
        if first[:2] != GZIP_MAGIC:
            what = "is empty (0 bytes)" if not first else f"does not start with the gzip magic (starts {first!r})"
            raise BadContentError(f"file is named .gz but {what}", path=path)
    return (limits or CheckLimits()).open(path, threaded=threaded)


_BOM = b"\xef\xbb\xbf"


class SoftByteReader:
    """Buffered line reader over a binary stream that knows the current line number.

    ``readline`` returns one line without its line ending; ``read_table_block`` returns every line up
    to (not including) the next line that starts with ``!`` or ``^``, in one bytes object.
    """

    def __init__(self, stream: BinaryIO, *, path: str, chunk_size: int = _CHUNK) -> None:
        self._stream = stream
        self.path = path
        self._chunk = chunk_size
        #: a stream that hands over its blocks as made (fileio's threaded gzip) is read a block at a
        #: time, without copying each block into a buffer of this thread's (~1 GB per GB of text)
        self._read_block: Callable[[], bytes] | None = getattr(stream, "read_block", None)
        self._buf = b""
        self._pos = 0
        self._eof = False
        #: number of the last line handed out (1-based; 0 before the first)
        self.line_no = 0
        self._first = True

    def _read_chunk(self) -> bytes:
        try:
            return self._read_block() if self._read_block is not None else self._stream.read(self._chunk)
        except RnacorpusError as exc:
            exc.with_context(path=self.path, line=self.line_no + 1)
            raise
        except _STREAM_ERRORS as exc:
            raise TruncatedError(f"cannot read the file ({exc})", path=self.path, line=self.line_no + 1) from exc

    def _refill(self) -> None:
        more = self._read_chunk()
        if not more:
            self._eof = True  # only an empty read ends the file: a chunk that was all BOM does not
        elif self._first:
            # a UTF-8 BOM is not part of the first line; a stream may hand it over split across reads
            while len(more) < len(_BOM) and _BOM.startswith(more):
                extra = self._read_chunk()
                if not extra:
                    self._eof = True
                    break
                more += extra
            self._first = False
            if more.startswith(_BOM):
                more = more[len(_BOM) :]
        self._buf = self._buf[self._pos :] + more if self._pos < len(self._buf) else more
        self._pos = 0

    def readline(self) -> bytes | None:
        """The next line without ``\\n`` / ``\\r\\n``, or None at end of file."""
        while True:
            end = self._buf.find(b"\n", self._pos)
            if end >= 0:
                line = self._buf[self._pos : end]
                self._pos = end + 1
                break
            if self._eof:
                if self._pos >= len(self._buf):
                    return None
                line = self._buf[self._pos :]
                self._pos = len(self._buf)
                break
            self._refill()
        self.line_no += 1
        return line[:-1] if line.endswith(b"\r") else line

    def read_field_lines(self) -> list[str]:
        """The run of ``!name = value`` lines that starts here (each starts with ``!`` and holds ``=``),
        decoded, as far as it lies whole in the buffer; ``[]`` when the next line is not one.

        The same lines, in the same order and with the same line numbers, as :meth:`readline` and
        :func:`decode_text` would give one at a time (a line may end with ``\\r``): the bulk of a
        metadata file, split and decoded per run instead of per line. The run is looked for up to the
        next line that starts with ``^`` or ``#`` or holds ``_table_begin`` (so a table is never
        split here) and within :data:`_FIELD_RUN_MAX` bytes; whatever it leaves is read by
        :meth:`readline` as before. Decoding a run at once gives the lines' own decodings: no UTF-8
        sequence holds a newline byte, and the legacy fallback reads each stray byte on its own."""
        buf, pos = self._buf, self._pos
        if buf[pos : pos + 1] != b"!":
            return []
        end = buf.rfind(b"\n", pos, pos + _FIELD_RUN_MAX)
        if end < 0:
            return []
        # the run's end is looked for in a window first: a run is a few KB, and a search to ``end``
        # would run on through a sample's data table (~64 KB a sample, per marker)
        window = min(end, pos + _FIELD_SCAN_WINDOW)
        cut = _first_marker(buf, pos, window)
        if cut == window < end:  # none in the window: a long run, or a table begins on this line
            if buf.find(b"_table_begin", pos, buf.find(b"\n", pos, end + 1)) >= 0:
                return []  # what the search below would come to, without reading the table
            cut = _first_marker(buf, window - 1, end)  # one byte back: a marker cut by the window's edge
        end = cut
        table = buf.find(b"_table_begin", pos, end)
        if table >= 0:
            end = buf.rfind(b"\n", pos, table)
            if end < 0:
                return []
        raws = buf[pos:end].split(b"\n")
        taken = 0
        for raw in raws:
            if raw[:1] != b"!" or b"=" not in raw:
                break
            taken += 1
        if taken == 0:
            return []
        run = raws if taken == len(raws) else raws[:taken]
        self._pos = pos + sum(map(len, run)) + taken  # each line and its newline
        self.line_no += taken
        return decode_text(b"\n".join(run)).split("\n")

    def read_table_block(self) -> bytes:
        """Every line up to the next one starting with ``!`` or ``^`` (or end of file), as one block."""
        # views into the read chunks (which are never changed, only replaced), joined once: a table
        # spans two or three chunks, and slicing each piece out before the join copied it twice
        parts: list[bytes | memoryview] = []
        self._scan_table_block(parts.append)
        return b"".join(parts)

    def skip_table_block(self) -> None:
        """Move past the lines :meth:`read_table_block` would return, without keeping them."""
        self._scan_table_block(None)

    def _scan_table_block(self, keep: Callable[[bytes | memoryview], object] | None) -> None:
        lines = 0
        ends_open = False
        while True:
            if self._pos >= len(self._buf):
                if self._eof:
                    break
                self._refill()
                continue
            if self._buf[self._pos] in _MARKERS:
                break
            cut = self._next_marker()
            if cut < 0 and self._eof:
                cut = len(self._buf)
                ends_open = self._buf[-1:] != b"\n"
            if cut >= 0:
                lines += self._take(self._pos, cut, keep)
                self._pos = cut
                break
            last_newline = self._buf.rfind(b"\n", self._pos)
            if last_newline >= 0:  # keep the partial last line for the next chunk
                lines += self._take(self._pos, last_newline + 1, keep)
                self._pos = last_newline + 1
            lines += self._refill_inside_table(keep)
        self.line_no += lines + (1 if ends_open else 0)

    def _refill_inside_table(self, keep: Callable[[bytes | memoryview], object] | None) -> int:
        """Read on when a chunk ends inside a data line: that line's two halves become one piece of
        the block (a few bytes) and the new chunk the buffer as read, instead of the line's head
        joined to the whole chunk (a copy of every byte of the file). Returns the line ends taken."""
        head = self._buf[self._pos :]
        if self._first or not head or head[0] in _MARKERS:
            self._refill()  # a line that may end the table is classified as the buffer's first line
            return 0
        more = self._read_chunk()
        end = more.find(b"\n")
        if end < 0:  # no line end in the whole chunk (or end of file): the general path
            self._buf, self._pos = self._buf[self._pos :] + more, 0
            self._eof = not more
            return 0
        if keep is not None:
            keep(head + more[: end + 1])
        self._buf, self._pos = more, end + 1
        return 1

    def _take(self, start: int, end: int, keep: Callable[[bytes | memoryview], object] | None) -> int:
        """Hand ``_buf[start:end]`` to ``keep`` (a view: no copy); returns how many line ends it holds."""
        if keep is not None:
            keep(memoryview(self._buf)[start:end])
        # numpy compares at memory speed; bytes.count(b"\n") runs several times slower
        return int(np.count_nonzero(np.frombuffer(self._buf, np.uint8, end - start, start) == _NEWLINE))

    def _next_marker(self) -> int:
        """Offset of the first line start after ``_pos`` that begins with ``!`` or ``^``; -1 if none.

        Searches for the marker bytes themselves (rare in data, so ``find`` runs at memchr speed)
        rather than for ``\n!`` (every newline is a candidate there), then checks the line start.
        """
        buf, best = self._buf, -1
        for marker in (b"!", b"^"):
            at = buf.find(marker, self._pos + 1, best if best >= 0 else len(buf))
            while at >= 0 and buf[at - 1] != _NEWLINE:
                at = buf.find(marker, at + 1, best if best >= 0 else len(buf))
            if at >= 0:
                best = at
        return best

    def close(self) -> None:
        self._stream.close()


def _first_marker(buf: bytes, start: int, stop: int) -> int:
    """Where the first of :data:`_FIELD_RUN_ENDS` starts in ``buf[start:stop]`` (``stop``: none);
    each marker is looked for only before the one found so far."""
    for marker in _FIELD_RUN_ENDS:
        at = buf.find(marker, start, stop)
        if at >= 0:
            stop = at
    return stop


@dataclass(frozen=True)
class Line:
    """One classified header line. ``key``/``value`` meaning depends on ``kind``:

    * ``entity``: key = entity kind upper-cased (``SAMPLE``), value = the name after ``=``
    * ``attribute``: key = field name as deposited (``Sample_title``), value = text after the first ``=``
    * ``column``: key = column name, value = its description
    * ``table_begin`` / ``table_end``: key = the table kind in lower case (``sample``, ``platform`` …)
    * ``data`` / ``blank``: value = the text
    """

    kind: LineKind
    key: str
    value: str
    number: int


def split_field(text: str) -> tuple[str, str]:
    """``name = value`` → (name, value); the value may itself contain ``=``; no ``=`` → empty value."""
    name, sep, value = text.partition("=")
    return name.strip(), value.strip() if sep else ""


def classify_line(text: str, number: int) -> Line:
    """Classify one decoded header line (trailing tabs and spaces are not significant there)."""
    stripped = text.rstrip()
    if not stripped:
        return Line("blank", "", "", number)
    first = stripped[0]
    if first == "^":
        name, value = split_field(stripped[1:])
        return Line("entity", name.upper(), value, number)
    if first == "!":
        lowered = stripped.lower()
        if lowered.endswith("_table_begin") and "=" not in stripped:
            return Line("table_begin", lowered[1 : -len("_table_begin")], "", number)
        if lowered.endswith("_table_end") and "=" not in stripped:
            return Line("table_end", lowered[1 : -len("_table_end")], "", number)
        name, value = split_field(stripped[1:])
        return Line("attribute", name, value, number)
    if first == "#":
        name, value = split_field(stripped[1:])
        return Line("column", name, value, number)
    return Line("data", "", text, number)
