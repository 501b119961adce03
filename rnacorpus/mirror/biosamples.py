"""The mirror's BioSamples search: ``/biosamples/samples?filter=…&size=…&page=…`` over the records held.

The records are the ones ``/biosamples/samples/{ACC}`` serves — recorded ``SAM….json`` answers as they
are, and records written from held SRA sample XML (:meth:`EnaService.biosample_document`) — so a
search page holds exactly the documents the per-sample route answers with. Filters, as BioSamples
documents them (*Filters*; all given filters must hold):

- ``acc:VALUE`` — the accession; a value with ``*`` or ``?`` is a wildcard (regex-style ``.*`` read as
  ``*``, as BioSamples' Elasticsearch back end does), otherwise the exact accession;
- ``dt:update:from=…until=…`` / ``dt:release:…`` — the record's date within the window;
- ``attr:KEY:VALUE`` — a characteristic ``KEY`` with text ``VALUE`` (``attr:KEY`` — any value);
- other filter types narrow nothing here (the mirror does not emulate them).

Pages are HAL (``_embedded.samples``, ``page.size/totalElements/totalPages/number``), sorted by
accession, 20 samples unless ``size`` says otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnacorpus.harvester.dates import iso_date
from rnacorpus.mirror.index import MirrorIndex

__all__ = ["BioSamplesSearch", "matches_filter"]

_RECORDED = re.compile(r"^(SAM[A-Z]*\d+)\.json$")
_WINDOW = re.compile(r"^dt:(update|release):(?:from=([^u]+?))?(?:until=(.+))?$")
Document = dict[str, Any]


def _wildcard(value: str) -> re.Pattern[str]:
    value = value.replace(".*", "*")
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value))


def _in_window(doc: Mapping[str, Any], field: str, start: str | None, end: str | None) -> bool:
    day = iso_date(doc.get(field))
    low, high = iso_date(start) if start else None, iso_date(end) if end else None
    return day is not None and (low is None or day >= low) and (high is None or day <= high)


def _has_attribute(doc: Mapping[str, Any], key: str, value: str | None) -> bool:
    values = (doc.get("characteristics") or {}).get(key)
    if not isinstance(values, list):
        return False
    return value is None or any(isinstance(v, dict) and str(v.get("text")) == value for v in values)


def matches_filter(doc: Mapping[str, Any], text: str) -> bool:
    """Whether a sample document passes one BioSamples ``filter`` value (rules: module docstring)."""
    kind, _, rest = text.partition(":")
    if kind == "acc":
        accession = str(doc.get("accession") or "")
        if "*" in rest or "?" in rest:
            return _wildcard(rest).fullmatch(accession) is not None
        return accession == rest
    if kind == "dt":
        window = _WINDOW.match(text)
        return window is None or _in_window(doc, window.group(1), window.group(2), window.group(3))
    if kind == "attr":
        key, sep, value = rest.partition(":")
        return _has_attribute(doc, key, value if sep else None)
    return True


@dataclass(frozen=True)
class _Held:
    accession: str
    load: Callable[[], Document | None]


class BioSamplesSearch:
    """Search pages over the recorded BioSamples answers and the records written from SRA XML."""

    def __init__(self, index: MirrorIndex, written: Callable[[], dict[str, Callable[[], Document]]]) -> None:
        self.index = index
        self.written = written

    def _held(self) -> Iterator[_Held]:
        recorded: set[str] = set()
        for entry in self.index.entries():
            match = _RECORDED.match(entry.name)
            if match is not None and match.group(1) not in recorded:
                recorded.add(match.group(1))
                yield _Held(match.group(1), _reader(entry.path))
        for accession, load in self.written().items():
            if accession not in recorded:
                yield _Held(accession, load)

    def page(self, params: Mapping[str, str]) -> bytes:
        filters = [f for f in params.get("filter", "").split("\n") if f]
        # the accession filter is decided on the accession alone: only the records it keeps are read
        by_accession = [f for f in filters if f.startswith("acc:")]
        chosen: list[Document] = []
        for held in sorted(self._held(), key=lambda h: h.accession):
            if not all(matches_filter({"accession": held.accession}, f) for f in by_accession):
                continue
            doc = held.load()
            if (
                doc is not None
                and doc.get("accession") == held.accession
                and all(matches_filter(doc, f) for f in filters)
            ):
                chosen.append(doc)
        size = max(1, _int(params.get("size"), 20))
        number = max(0, _int(params.get("page"), 0))
        return json.dumps(
            {
                "_embedded": {"samples": chosen[number * size : (number + 1) * size]},
                "page": {
                    "size": size,
                    "totalElements": len(chosen),
                    "totalPages": (len(chosen) + size - 1) // size,
                    "number": number,
                },
            },
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _reader(path: Path) -> Callable[[], Document | None]:
    def load() -> Document | None:
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        return doc if isinstance(doc, dict) else None

    return load
