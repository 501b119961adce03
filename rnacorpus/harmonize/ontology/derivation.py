"""Where a value says cells came from: hyphenated source words, and cells made in vitro.

Two families of depositor spellings:

* ``<source>-derived <cells>``, ``<organ>-resident <cells>`` and ``<organ>-infiltrating <cells>`` glue
  the source to a filler word with a hyphen ("bone marrow-derived macrophages", "lung-resident memory
  T cells", "islet-infiltrating T cells": cells isolated from the organ they live in or invaded);
  :func:`split_source_hyphen` frees the source so it is read as a word of its own. Other
  hyphenated descriptors ("gut-homing", "skin-tropic") say where cells *go*, not where they were
  taken from, and stay glued.
* cells differentiated in a dish from pluripotent or other stem cells ("hiPSC-derived
  cardiomyocytes", "ES cell-derived neural progenitors", "cardiomyocytes derived from hESCs", "in
  vitro differentiated adipocytes") were never part of a tissue: the organ their kind comes from
  (cardiomyocytes → heart) is not the sample's tissue. :func:`made_in_vitro` finds those phrases.
"""

from __future__ import annotations

import re

__all__ = ["made_in_vitro", "split_source_hyphen"]

#: the hyphen of "<source>-derived" / "<organ>-resident" / "<organ>-infiltrating", which would glue the
#: source to a filler word
_SOURCE_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=(?:derived|resident|infiltrating)\b)", re.IGNORECASE)

# Pluripotent and embryonic stem cells as depositors abbreviate them: (h|m|r)(i)PSC(s), (h|m)ESC(s),
# iPS / ES (+ "cell(s)"). Capitals only, so ordinary words ending in "es" or "ps" never count.
_INITIALS = r"(?-i:\b[hmr]?i?PSCs?|\b[hm]?ESCs?|\bi?PS|\bES)(?:[ -]cells?)?"
# Written out: "(induced) pluripotent stem cell(s)", "embryonic stem cell(s)", "(neural) stem cell(s)" —
# "stem" only with "cell", so a brain stem is not a stem cell.
_WORDS = r"\b(?:pluripotent(?:[ -]stem)?(?:[ -]cells?)?|embryonic[ -]stem[ -]cells?|stem[ -]cells?)"
_STEM = rf"(?:{_INITIALS}|{_WORDS})"
_IN_VITRO = re.compile(
    rf"{_STEM}[ -](?:derived|differentiated)\b(?!\s+from)"  # not "ES cells derived from blastocysts"
    rf"|\b(?:derived|differentiated|generated|induced)\s+from\s+(?:an?\s+|the\s+)?(?:\w+\s+)?{_STEM}"
    r"|\bin[ -]vitro[ -](?:differentiated|derived|generated|induced|matured)\b"
    r"|\b(?:differentiated|derived|generated|induced|matured)\s+in[ -]vitro\b",
    re.IGNORECASE,
)


def split_source_hyphen(text: str) -> str:
    """``text`` with the hyphen of ``<source>-derived`` / ``-resident`` / ``-infiltrating`` made a space."""
    return _SOURCE_HYPHEN.sub(" ", text)


def made_in_vitro(value: str) -> str | None:
    """The phrase saying the cells were differentiated in vitro (from stem cells), else ``None``."""
    found = _IN_VITRO.search(value)
    return found.group(0) if found else None
