"""Gene names that spreadsheet software turned into dates (``MARCH1`` → ``1-Mar``, ``SEPT2`` → ``2-Sep``).

Recovery is generative, not a list of genes: a date names a month and a day; every spelling a
spreadsheet reads as that month (a prefix of the month's English name, at least three letters:
``MAR``, ``MARC``, ``MARCH``) followed by the day is a candidate symbol. The caller resolves every
candidate against the reference and accepts the recovery only when all of them point to one gene —
``1-Mar`` is both MARCH1 (now MARCHF1) and MARC1 (now MTARC1), so it stays ambiguous.
"""

from __future__ import annotations

import re

__all__ = ["DATE_SHAPE_RE", "excel_candidates", "looks_like_excel_date"]

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_WORD = r"(?P<mon>[A-Za-z]{3,9})"
_DAY = r"(?P<day>\d{1,2})"
_YEAR = r"(?P<year>\d{2}|\d{4})"
_PATTERNS = (
    re.compile(rf"^{_DAY}[-/ ]{_MONTH_WORD}(?:[-/ ]{_YEAR})?$"),  # 1-Mar, 01-Mar-2006
    re.compile(rf"^{_MONTH_WORD}[-/ ]{_DAY}(?:[-/ ,]+{_YEAR})?$"),  # Mar-1, Mar 1, 2006
)
# numeric dates are written in either order; both readings are tried and the reference decides
#: a cheap vectorisable pre-filter (RE2 syntax) for strings worth parsing as dates
DATE_SHAPE_RE = (
    r"^(\d{1,2}[-/ ][A-Za-z]{3,9}([-/ ]\d{2,4})?"
    r"|[A-Za-z]{3,9}[-/ ]\d{1,2}([-/ ,]+\d{2,4})?"
    r"|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})$"
)
_NUMERIC = re.compile(r"^(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,4})$")


def _month_number(word: str) -> int | None:
    lowered = word.lower()
    for number, name in enumerate(_MONTHS, start=1):
        if len(lowered) >= 3 and name.startswith(lowered):
            return number
    return None


def _month_day_pairs(text: str) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            month = _month_number(match["mon"])
            if month is not None:
                pairs.add((month, int(match["day"])))
    numeric = _NUMERIC.match(text)
    if numeric:
        a, b, c = (int(numeric[g]) for g in "abc")
        fields = (b, c) if len(numeric["a"]) == 4 else (a, b)  # ISO puts the year first
        for month, day in (fields, fields[::-1]):
            if 1 <= month <= 12:
                pairs.add((month, day))
    return {(m, d) for m, d in pairs if 1 <= d <= 31}


def looks_like_excel_date(text: str) -> bool:
    return bool(_month_day_pairs(text.strip()))


def excel_candidates(text: str) -> list[str]:
    """Upper-case symbols a spreadsheet could have turned into ``text`` (empty when it is no date)."""
    out: list[str] = []
    for month, day in sorted(_month_day_pairs(text.strip())):
        name = _MONTHS[month - 1].upper()
        for length in range(3, len(name) + 1):
            out.append(f"{name[:length]}{day}")
    return out
