"""MAGE-TAB text decodes whatever its encoding: UTF-8, UTF-8 with a BOM, UTF-16 with a BOM, Latin-1 /
Windows-1252 throughout or line by line, LF / CRLF / CR line ends — the same cells every time."""

from __future__ import annotations

import codecs
import re

from hypothesis import given
from hypothesis import strategies as st

from rnacorpus.harvester.arrayexpress.sdrf import parse_sdrf
from rnacorpus.harvester.arrayexpress.text import decode_magetab, split_cells

#: text a MAGE-TAB cell holds: no tabs or line breaks; any letters, signs and symbols
cell = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters='\t\r\n"\ufeff'), max_size=12
).map(str.strip)
rows = st.lists(st.lists(cell, min_size=2, max_size=5), min_size=1, max_size=6)
#: characters cp1252 encodes (what a Windows editor can have written)
legacy_cell = cell.filter(lambda t: all(_cp1252(ch) for ch in t))


def _cp1252(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _text(table: list[list[str]], newline: str) -> str:
    return newline.join("\t".join(r) for r in table) + newline


@given(
    table=rows,
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.sampled_from(["", "utf-8", "utf-16-le", "utf-16-be"]),
)
def test_unicode_round_trips(table: list[list[str]], newline: str, bom: str) -> None:
    text = _text(table, newline)
    if bom == "":
        data = text.encode("utf-8")
    elif bom == "utf-8":
        data = codecs.BOM_UTF8 + text.encode("utf-8")
    else:
        data = (codecs.BOM_UTF16_LE if bom == "utf-16-le" else codecs.BOM_UTF16_BE) + text.encode(bom)
    decoded = decode_magetab(data)
    assert [split_cells(line) for line in decoded.lines] == table
    assert decoded.fallback_lines == []


_UTF8_LEAD = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _unambiguous(row: list[str]) -> bool:
    """cp1252 bytes that also spell a UTF-8 character (``Â¡`` is C2 A1, UTF-8 for ``¡``) cannot be told
    apart by any reader: the corpus mixes both encodings inside one line, so such bytes are read as
    UTF-8. Lines holding a lead byte followed by a continuation byte are left out of this property."""
    return _UTF8_LEAD.search("\t".join(row).encode("cp1252")) is None


@given(
    table=st.lists(st.lists(legacy_cell, min_size=2, max_size=4).filter(_unambiguous), min_size=1, max_size=6),
    mixed=st.booleans(),
)
def test_windows_1252_lines_read_as_written(table: list[list[str]], mixed: bool) -> None:
    lines = ["\t".join(r) for r in table]
    # a mixed file: odd lines saved as UTF-8 by one tool, even ones as cp1252 by another
    data = b"\n".join(
        line.encode("utf-8") if mixed and i % 2 else line.encode("cp1252") for i, line in enumerate(lines)
    )
    decoded = decode_magetab(data)
    assert [split_cells(line) for line in decoded.lines] == table
    assert all(not line.encode("cp1252").isascii() for line in [decoded.lines[n - 1] for n in decoded.fallback_lines])


def test_a_latin1_sdrf_cell_keeps_its_letters_and_the_line_is_reported() -> None:
    header = "Source Name\tCharacteristics[organism part]\tCharacteristics[age]\tUnit[time unit]"
    data = (header + "\n" + "Probe 1\tcôlon\t37\t°C\r\n").encode("utf-8").replace("ô".encode(), b"\xf4")
    table = parse_sdrf(decode_magetab(data), path="x.sdrf.txt")
    (record,) = table.sources
    assert [v.text for v in record.characteristics] == ["côlon", "37 °C"]
    assert [issue.code for issue in table.issues] == ["encoding_fallback"] and table.issues[0].line == 2
