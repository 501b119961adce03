"""MINiML (GEO's XML) as the mirror sees it: what a document is, and its series/sample headers.

In a MINiML family document the ``<Series>`` element comes last, after every sample, so the sniffer
reads the head (platforms, first samples) and the tail (the series) of the file, never the middle.
Header values are translated to SOFT keys and SOFT date spellings so the rest of the mirror reads one
vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

__all__ = ["HEAD_BYTES", "TAIL_BYTES", "MinimlDoc", "iter_samples", "read_tail", "soft_date", "summarize"]

HEAD_BYTES = 64 * 1024
TAIL_BYTES = 2 * 1024**2
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SERIES = re.compile(r'<Series iid="([^"]+)"[^>]*>.*?</Series>', re.DOTALL)
_SAMPLE = re.compile(r'<Sample iid="([^"]+)"[^>]*>.*?</Sample>', re.DOTALL)
_PLATFORM_IID = re.compile(r'<Platform iid="([^"]+)"')
_SAMPLE_IID = re.compile(r'<Sample iid="([^"]+)"')


@dataclass(frozen=True)
class MinimlDoc:
    series_accession: str | None
    platforms: tuple[str, ...]
    samples: tuple[str, ...]
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)


def soft_date(iso: str) -> str:
    """``2021-07-27`` → ``Jul 27 2021`` (SOFT's spelling, independent of the process locale)."""
    try:
        day = date.fromisoformat(iso.strip())
    except ValueError:
        return iso.strip()
    return f"{_MONTHS[day.month - 1]} {day.day:02d} {day.year}"


def read_tail(path: Path, head: str, gzipped: bool, rest: Callable[[int], str]) -> str:
    """The last part of the document, where ``<Series>`` lives."""
    if gzipped:  # no seeking in a gzip stream: read on (bounded) and keep the end
        return (head + rest(64 * 1024**2))[-TAIL_BYTES:]
    size = path.stat().st_size
    if size <= len(head.encode("utf-8")):
        return head
    with path.open("rb") as handle:
        handle.seek(max(0, size - TAIL_BYTES))
        return handle.read().decode("utf-8", "replace")


def _strip_ns(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _texts(element: Element, tag: str) -> tuple[str, ...]:
    return tuple((child.text or "").strip() for child in element.iter() if _strip_ns(child.tag) == tag)


def _first(element: Element, tag: str) -> str:
    found = _texts(element, tag)
    return found[0] if found else ""


def _parse(fragment: str) -> Element | None:
    try:
        return SafeET.fromstring(fragment)  # type: ignore[no-any-return]
    except Exception:
        return None


def _status(element: Element) -> tuple[str, ...]:
    release = _first(element, "Release-Date")
    return (f"Public on {soft_date(release)}",) if release else ()


def _series_fields(element: Element, platforms: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    refs = tuple(child.get("ref", "") for child in element.iter() if _strip_ns(child.tag) == "Sample-Ref")
    relations = tuple(
        f"{child.get('type', '')}: {child.get('target', '')}"
        for child in element.iter()
        if _strip_ns(child.tag) == "Relation"
    )
    values = {
        "Series_title": (_first(element, "Title"),),
        "Series_geo_accession": (element.get("iid", ""),),
        "Series_status": _status(element),
        "Series_submission_date": (soft_date(_first(element, "Submission-Date")),),
        "Series_last_update_date": (soft_date(_first(element, "Last-Update-Date")),),
        "Series_pubmed_id": _texts(element, "Pubmed-ID"),
        "Series_summary": (_first(element, "Summary"),),
        "Series_overall_design": (_first(element, "Overall-Design"),),
        "Series_type": _texts(element, "Type"),
        "Series_sample_id": refs,
        "Series_relation": relations,
        "Series_supplementary_file": _texts(element, "Supplementary-Data"),
        "Series_platform_id": platforms,
    }
    return {key: value for key, value in values.items() if any(value)}


def sample_fields(element: Element) -> dict[str, tuple[str, ...]]:
    """A ``<Sample>`` element's header, with SOFT keys."""
    organisms = _texts(element, "Organism")
    platform = tuple(child.get("ref", "") for child in element.iter() if _strip_ns(child.tag) == "Platform-Ref")
    values = {
        "Sample_title": (_first(element, "Title"),),
        "Sample_geo_accession": (element.get("iid", ""),),
        "Sample_status": _status(element),
        "Sample_last_update_date": (soft_date(_first(element, "Last-Update-Date")),),
        "Sample_organism_ch1": organisms[:1],
        "Sample_organism_ch2": organisms[1:2],
        "Sample_platform_id": platform[:1],
    }
    return {key: value for key, value in values.items() if any(value)}


def summarize(head: str, tail: str) -> MinimlDoc:
    """What kind of MINiML document this is, from its head and its tail."""
    platforms = tuple(dict.fromkeys(_PLATFORM_IID.findall(head)))
    samples = tuple(dict.fromkeys(_SAMPLE_IID.findall(head)))
    series = _SERIES.search(tail)
    element = _parse(series.group(0)) if series else None
    if element is not None:
        return MinimlDoc(element.get("iid"), platforms, samples, _series_fields(element, platforms))
    first_sample = _SAMPLE.search(head)
    sample = _parse(first_sample.group(0)) if first_sample else None
    fields = sample_fields(sample) if sample is not None and len(samples) == 1 else {}
    return MinimlDoc(None, platforms, samples, fields)


def iter_samples(path: Path, opener: Callable[[Path], object]) -> Iterator[dict[str, tuple[str, ...]]]:
    """Each ``<Sample>``'s header, streaming (the document is never held whole)."""
    handle = opener(path)
    try:
        for _, element in SafeET.iterparse(handle, events=("end",)):
            if _strip_ns(element.tag) == "Sample":
                yield sample_fields(element)
                element.clear()
    except Exception:
        return
    finally:
        close = getattr(handle, "close", None)
        if callable(close):
            close()
