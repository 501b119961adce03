"""Reading a SOFT file's first entity header cheaply (no tables), to plan what else to fetch."""

from __future__ import annotations

from rnacorpus.fileio import open_text

__all__ = ["read_series_header"]

_MAX_HEADER_LINES = 20_000


def read_series_header(path: str) -> dict[str, list[str]]:
    """``!Series_*`` fields of a family SOFT (or series matrix), stopping at the first platform/sample.

    Values are unquoted; series-matrix rows hold one value per line like SOFT does for series fields.
    """
    fields: dict[str, list[str]] = {}
    with open_text(path) as handle:
        for number, line in enumerate(handle):
            if number >= _MAX_HEADER_LINES or line.startswith(("^PLATFORM", "^SAMPLE", "!Sample_", "!series_matrix")):
                break
            if not line.startswith("!Series_"):
                continue
            name, value = _split(line)
            fields.setdefault(name, []).append(value)
    return fields


def _split(line: str) -> tuple[str, str]:
    body = line[1:].rstrip("\r\n")
    if " = " in body:
        name, value = body.split(" = ", 1)
    elif "\t" in body:  # series matrix: !Series_type<TAB>"Expression profiling by array"
        name, value = body.split("\t", 1)
        value = value.strip().strip('"')
    else:
        name, value = body.rstrip(" ="), ""
    return name.strip(), value.strip()
