"""MAGE-TAB text as deposited: encodings sniffed, line ends and quoting undone, cells split.

Encodings, in order (ARCHIVES §3: some IDFs are not UTF-8, some mix encodings line by line):

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE) and is dropped;
2. otherwise UTF-8, where every byte sequence that is not valid UTF-8 is read as Windows-1252
   (a superset of Latin-1 for printable text: ``0xB0`` °, ``0xAE`` ®, ``0x92`` ’) — so a file that
   is Latin-1 throughout and one that mixes both decode the same way, character by character;
   the bytes cp1252 leaves undefined (``0x81 0x8D 0x8F 0x90 0x9D``) are Latin-1's control codes.

Each line that needed the fallback is reported (``encoding_fallback``) with its number, so a
reader can see which text was guessed. Line ends are LF, CRLF or CR. A cell wrapped in double
quotes loses them and ``""`` inside becomes ``"``; a quote elsewhere is text (``5' UTR``).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rnacorpus.errors import BadContentError
from rnacorpus.fileio import open_maybe_gzip

__all__ = ["DecodedText", "decode_magetab", "read_magetab", "rows", "split_cells"]

#: a MAGE-TAB file is small (the largest SDRFs are tens of MB); more than this is not one
MAX_MAGETAB_BYTES = 512 * 1024**2
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CP1252_HOLES = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def _legacy_byte(value: int) -> str:
    return chr(value) if value in _CP1252_HOLES else bytes([value]).decode("cp1252")


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_legacy_byte(b) for b in bad), error.end


codecs.register_error("rnacorpus-cp1252", _fallback)


@dataclass
class DecodedText:
    lines: list[str]
    encoding: str
    #: 1-based numbers of lines that held bytes that are not UTF-8 (read as Windows-1252)
    fallback_lines: list[int] = field(default_factory=list)


def decode_magetab(data: bytes) -> DecodedText:
    """Bytes of a MAGE-TAB file → its lines (see the module docstring for the rules)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise BadContentError(f"starts with a {encoding} byte-order mark but is not {encoding}") from exc
            return DecodedText(text.splitlines(), f"{encoding} (BOM)")
    lines: list[str] = []
    fallback: list[int] = []
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("utf-8", errors="rnacorpus-cp1252"))
            fallback.append(number)
    if b"\x00" in data[:4096]:
        raise BadContentError("holds NUL bytes: not a MAGE-TAB text file (UTF-16 without a byte-order mark?)")
    encoding = "utf-8" if not fallback else "utf-8 with windows-1252 lines"
    return DecodedText(lines, encoding, fallback)


def read_magetab(path: str | Path) -> DecodedText:
    """A MAGE-TAB file from disk (gzip-compressed or not)."""
    with open_maybe_gzip(path) as handle:
        data = handle.read(MAX_MAGETAB_BYTES + 1)
    if len(data) > MAX_MAGETAB_BYTES:
        raise BadContentError(f"larger than {MAX_MAGETAB_BYTES:,} bytes: not a MAGE-TAB file", path=path)
    return decode_magetab(data)


def _unquote(cell: str) -> str:
    cell = cell.strip()
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"').strip()
    return cell


def split_cells(line: str) -> list[str]:
    """One tab-separated line → its cells, unquoted and stripped (a literal ``null`` stays text)."""
    return [_unquote(cell) for cell in line.split("\t")]


def rows(text: DecodedText) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every line that is not blank or a comment.

    A comment is a line starting with ``#`` that holds no tab: legacy SDRFs start data rows with
    ``#`` too (a Source Name such as ``#08 ACTC``), and those always have the table's tabs.
    """
    for number, line in enumerate(text.lines, start=1):
        if not line.strip() or (line.startswith("#") and "\t" not in line):
            continue
        yield number, split_cells(line)
