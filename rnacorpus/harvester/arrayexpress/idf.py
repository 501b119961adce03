"""The IDF (Investigation Description Format) of a MAGE-TAB study: one tag per line, values across.

Tags compare case- and space-insensitively (``Investigation Title`` = ``InvestigationTitle``,
``Comment [X]`` = ``Comment[X]``); a tag given on several lines (``Comment[AdditionalFile:DAT]``)
keeps every value in order. Trailing empty cells (tab padding) are dropped; empty cells between
values are kept, because IDF columns line up across tags (protocol 2's name, type and description
are the second value of each ``Protocol …`` line).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from rnacorpus.harvester.arrayexpress.text import DecodedText, read_magetab, rows
from rnacorpus.harvester.dates import iso_date

__all__ = ["Investigation", "normalize_tag", "parse_idf", "read_idf"]

_SPACES = re.compile(r"\s+")


def normalize_tag(tag: str) -> str:
    """``Comment [Submitted Name]`` → ``comment[submittedname]``; ``Public Release Date`` → ``publicreleasedate``."""
    return _SPACES.sub("", tag).lower()


@dataclass
class Investigation:
    """What an IDF holds, tag by tag (``tags``), with the fields rnacorpus uses named."""

    #: normalized tag → values in deposited order (tab padding dropped)
    tags: dict[str, list[str]] = field(default_factory=dict)
    #: normalized tag → the tag as written (for attributes kept verbatim)
    names: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    fallback_lines: list[int] = field(default_factory=list)

    def values(self, tag: str) -> list[str]:
        return [v for v in self.tags.get(normalize_tag(tag), []) if v]

    def first(self, tag: str) -> str | None:
        found = self.values(tag)
        return found[0] if found else None

    def column(self, tag: str) -> list[str]:
        """All values of a tag, empty ones kept (IDF columns align across related tags)."""
        return list(self.tags.get(normalize_tag(tag), []))

    @property
    def title(self) -> str | None:
        return self.first("Investigation Title")

    @property
    def description(self) -> str | None:
        return self.first("Experiment Description")

    @property
    def sdrf_files(self) -> list[str]:
        return self.values("SDRF File")

    @property
    def secondary_accessions(self) -> list[str]:
        return [
            token for value in self.values("Comment[SecondaryAccession]") for token in value.replace(";", " ").split()
        ]

    def date(self, tag: str) -> dt.date | None:
        return iso_date(self.first(tag))

    def protocols(self) -> list[dict[str, str]]:
        """One dict per protocol column: name, type, description, hardware, software, parameters."""
        names = self.column("Protocol Name")
        parts = {
            "type": self.column("Protocol Type"),
            "description": self.column("Protocol Description"),
            "parameters": self.column("Protocol Parameters"),
            "hardware": self.column("Protocol Hardware"),
            "software": self.column("Protocol Software"),
        }
        out = []
        for index, name in enumerate(names):
            if not name:
                continue
            entry = {"name": name}
            for key, values in parts.items():
                if index < len(values) and values[index]:
                    entry[key] = values[index]
            out.append(entry)
        return out

    def people(self) -> list[str]:
        first = self.column("Person First Name")
        last = self.column("Person Last Name")
        people = []
        for index, surname in enumerate(last):
            given = first[index] if index < len(first) else ""
            name = f"{given} {surname}".strip()
            if name:
                people.append(name)
        return people


def parse_idf(text: DecodedText) -> Investigation:
    investigation = Investigation(encoding=text.encoding, fallback_lines=list(text.fallback_lines))
    for _, cells in rows(text):
        tag = cells[0]
        if not tag:
            continue
        values = cells[1:]
        while values and not values[-1]:
            values.pop()
        key = normalize_tag(tag)
        investigation.names.setdefault(key, tag.strip())
        investigation.tags.setdefault(key, []).extend(values)
    return investigation


def read_idf(path: str | Path) -> Investigation:
    return parse_idf(read_magetab(path))
