"""Ages as deposited → a value (or a range / censored bound) and a unit.

Recognized, in this order (first that matches wins):

1. compound ages ``1y 3m`` → 15 month (summed in the smaller unit, so nothing is rounded);
2. embryonic days ``E14.5``, ``embryonic day 14.5``, ``14.5 dpc`` → unit ``embryonic day``;
3. postnatal days ``P7``, ``PND7``, ``postnatal day 7``, ``.5 Days Postnatal`` → ``postnatal day``;
4. gestation ``20 wk gestation``, ``GW20``, ``20 pcw`` → ``gestational week`` / ``post-conception week``;
5. censored ``>89``, ``89+``, ``over 65 years`` → bound plus qualifier (``>``, ``>=``, ``<``, ``<=``);
6. ranges ``6-8 weeks``, ``6 to 8 wk``, decades ``40s`` → min and max;
7. a number with a unit ``45 yrs``, ``8 wk``, ``day 4``, ``24 months old``;
8. a bare number ``45``: the unit comes from the key (``age (months)``) or the sample (a TimeUnit
   characteristic); failing both, human ages default to years when plausible (≤ 120), else unmapped.

In *strict* mode (values under keys that are not about age, e.g. a source name), only explicit
forms count — ``E14.5``, ``embryonic day 6.5``, ``postnatal day 0.5`` — so ``E2`` or ``p21`` in a
treatment or gene name never becomes an age; nor does a P-notation past the first weeks of life
(``P500.5``, a sample code: the notation counts postnatal days up to :data:`_MAX_P_DAY`, as for a
rodent's ``P7``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rnacorpus.harmonize.memo import memoize

__all__ = ["AgeParse", "canonical_unit", "parse_age"]

_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "year": ("years", "year", "yrs", "yr", "y", "yo", "y.o."),
    "month": ("months", "month", "mos", "mo", "mths", "mth", "m"),
    "week": ("weeks", "week", "wks", "wk", "w"),
    "day": ("days", "day", "d"),
    "hour": ("hours", "hour", "hrs", "hr", "h"),
}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_UNIT_RE = "|".join(sorted((re.escape(word) for word in _UNIT_OF), key=len, reverse=True))
_UNIT = rf"(?P<unit>{_UNIT_RE})(?:[- ]?olds?)?\b\.?"
_MONTHS_PER = {"year": 12, "month": 1}
_QUALIFIERS = {
    ">": ">", "≥": ">=", ">=": ">=", "<": "<", "≤": "<=", "<=": "<=", "over": ">", "above": ">",
    "older than": ">", "more than": ">", "at least": ">=", "under": "<", "below": "<",
    "younger than": "<", "less than": "<",
}  # fmt: skip
_QUALIFIER_RE = "|".join(sorted((re.escape(word) for word in _QUALIFIERS), key=len, reverse=True))

_COMPOUND = re.compile(rf"^{_NUM}\s*(?:years?|yrs?|y)\s*,?\s*(?:and\s*)?{_NUM}\s*(?:months?|mos?|m)\b\.?$")
_EMBRYONIC = re.compile(rf"\b(?:embryonic day|embryo day|embryonal day|e)\s*{_NUM}(?:\s*(?:-|to)\s*e?{_NUM})?(?!\d)")
_DPC = re.compile(rf"(?:{_NUM}\s*(?:-|–|to)\s*)?{_NUM}\s*(?:dpc|d\.p\.c\.?|days? post[- ]?co(?:itum|nception))\b")
_POSTNATAL = re.compile(rf"\b(?:postnatal day|post-natal day|pnd|pn|p)\s*{_NUM}(?:\s*(?:-|to)\s*p?{_NUM})?(?!\d)")
_DAYS_POSTNATAL = re.compile(rf"{_NUM}\s*days?\s*(?:postnatal|post-natal|after birth|post[- ]?partum)\b")
_POST_FERTILIZATION = re.compile(rf"{_NUM}\s*(hpf|dpf|(?:hours?|days?) post[- ]?fertili[sz]ation)\b")
_GESTATION = re.compile(rf"{_NUM}\s*(?:weeks?|wks?|wk|w)\.?\s*(?:of\s+)?(?:gestation|gestational|ga)\b")
_GW = re.compile(rf"\b(?:gestational week|gestation week|gw)\s*{_NUM}|{_NUM}\s*(?:gw)\b")
_PCW = re.compile(rf"{_NUM}\s*(?:pcw|post[- ]?conception weeks?)\b")
_CENSORED = re.compile(rf"^(?P<q>{_QUALIFIER_RE})\s*{_NUM}\s*(?:{_UNIT})?$")
_PLUS = re.compile(rf"^{_NUM}\s*\+\s*(?:{_UNIT})?$")
_UNIT2 = _UNIT.replace("unit", "unit2")
_RANGE = re.compile(rf"^(?:between\s+)?{_NUM}\s*(?:{_UNIT})?\s*(?:-|–|—|to|~|and)\s*{_NUM}\s*(?:{_UNIT2})?$")
_DECADE = re.compile(r"^(\d)0'?s$")
_SINGLE = re.compile(rf"^{_NUM}[\s-]*{_UNIT}(?:\s*(?:of age|old))?$")
_SINGLE_ANYWHERE = re.compile(rf"(?P<q>{_QUALIFIER_RE})?\s*(?<![\w.]){_NUM}[\s-]*{_UNIT}")
_AGE_PREFIX = re.compile(r"^(?:age|aged)\s*[:=]?\s*")
_UNIT_FIRST = re.compile(rf"^(?P<unit>days?|weeks?|months?|years?|d|wk|w)\s*{_NUM}$")
_BARE = re.compile(rf"^{_NUM}$")
# Case-sensitive on purpose: p21/p53 (genes) are written in lower case, P7 (a stage) in upper case.
_RODENT_P = re.compile(
    r"(?<![\w-])P(\d{1,2})(?![\w.-])(?!\s*(?:treated|treatment|ko|knock|null|deficient|mutant|inhibit|\+/|-/))"
)
_MAX_P_DAY = 30.0
_RODENTS = frozenset({10090, 10116})
_NOISE = re.compile(r"(?:\b(?:approx(?:imately)?\.?|about|circa|ca\.)|~)\s*")

#: plausible upper bound of a human age in years, for bare numbers
MAX_HUMAN_YEARS = 120.0


@dataclass(frozen=True)
class AgeParse:
    value: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    #: "embryonic" / "postnatal" / "fetal" when the notation itself names a period of life
    period: str | None = None
    reason: str | None = None
    #: the part of the (lower-cased) text that was read as the age
    matched: str | None = None

    @property
    def parsed(self) -> bool:
        return self.unit is not None and (
            self.value is not None or self.minimum is not None or self.maximum is not None
        )


@memoize(maxsize=1 << 12)
def canonical_unit(word: str | None) -> str | None:
    """``"yrs"`` → ``"year"``; also accepts our own unit names; None when unknown."""
    if not word:
        return None
    text = word.strip().lower().rstrip(".")
    if text in {
        "embryonic day",
        "postnatal day",
        "gestational week",
        "post-conception week",
        "hour post-fertilization",
        "day post-fertilization",
    }:
        return text
    return _UNIT_OF.get(text) or _UNIT_OF.get(text.rstrip("s"))


def _number(text: str) -> float:
    return float(text)


def _span(low: str, high: str | None, unit: str, period: str | None, matched: str | None = None) -> AgeParse:
    if high is None:
        return AgeParse(value=_number(low), unit=unit, period=period, matched=matched)
    return AgeParse(minimum=_number(low), maximum=_number(high), unit=unit, period=period, matched=matched)


def _explicit(text: str) -> AgeParse | None:
    """Forms that name their own period of life; safe to find anywhere in a longer value."""
    if match := _DPC.search(text):  # "14.5 dpc"; a range "12.0-12.5 dpc" keeps both ends
        low, high = (match.group(1), match.group(2)) if match.group(1) else (match.group(2), None)
        return _span(low, high, "embryonic day", "embryonic", match.group(0))
    if match := _DAYS_POSTNATAL.search(text):
        return _span(match.group(1), None, "postnatal day", "postnatal", match.group(0))
    if match := _POST_FERTILIZATION.search(text):
        unit = "hour post-fertilization" if match.group(2).startswith("h") else "day post-fertilization"
        return _span(match.group(1), None, unit, "embryonic" if unit.startswith("hour") else None, match.group(0))
    if match := _GESTATION.search(text) or _GW.search(text):
        number = next(group for group in match.groups() if group)
        return _span(number, None, "gestational week", "fetal", match.group(0))
    if match := _PCW.search(text):
        return _span(match.group(1), None, "post-conception week", "fetal", match.group(0))
    return None


def _notation(text: str, strict: bool) -> AgeParse | None:
    """E14.5 / P7 notation; in strict mode only the spelled-out or half-day forms."""
    for pattern, unit, period in (
        (_EMBRYONIC, "embryonic day", "embryonic"),
        (_POSTNATAL, "postnatal day", "postnatal"),
    ):
        for match in pattern.finditer(text):
            spelled = len(match.group(0).split()) > 1 and not match.group(0)[1].isdigit()
            if strict and not (spelled or "." in match.group(1)):
                continue
            if strict and not spelled and unit == "postnatal day" and float(match.group(1)) > _MAX_P_DAY:
                continue  # "P500.5": a sample code; the P-day notation counts the first weeks of life
            return _span(match.group(1), match.group(2), unit, period, match.group(0))
    return None


def _rodent_postnatal(original: str) -> AgeParse | None:
    """``P7`` (upper case) in free text of a mouse or rat sample: a postnatal day, unless a gene status
    follows."""
    match = _RODENT_P.search(original)
    if match is None or float(match.group(1)) > _MAX_P_DAY:
        return None
    return _span(match.group(1), None, "postnatal day", "postnatal", match.group(0).lower())


def _with_unit(text: str, key_unit: str | None) -> AgeParse | None:
    if match := _COMPOUND.match(text):
        return AgeParse(value=_number(match.group(1)) * 12 + _number(match.group(2)), unit="month")
    if match := _CENSORED.match(text):
        unit = canonical_unit(match.group("unit")) or key_unit
        return (
            AgeParse(maximum=_number(match.group(2)), unit=unit, qualifier=_QUALIFIERS[match.group("q")])
            if (_QUALIFIERS[match.group("q")].startswith("<"))
            else AgeParse(minimum=_number(match.group(2)), unit=unit, qualifier=_QUALIFIERS[match.group("q")])
        )
    if match := _PLUS.match(text):
        return AgeParse(
            minimum=_number(match.group(1)),
            unit=canonical_unit(match.group("unit")) or key_unit,
            qualifier=">=",
        )
    if match := _RANGE.match(text):
        unit = canonical_unit(match.group("unit2")) or canonical_unit(match.group("unit")) or key_unit
        return AgeParse(minimum=_number(match.group(1)), maximum=_number(match.group(3)), unit=unit)
    if match := _DECADE.match(text):
        low = int(match.group(1)) * 10
        return AgeParse(minimum=float(low), maximum=float(low + 9), unit=key_unit or "year")
    if match := _SINGLE.match(text):
        return AgeParse(value=_number(match.group(1)), unit=canonical_unit(match.group("unit")))
    if match := _UNIT_FIRST.match(text):
        return AgeParse(value=_number(match.group(2)), unit=canonical_unit(match.group("unit")))
    return None


def _bare(text: str, key_unit: str | None) -> AgeParse | None:
    match = _BARE.match(text)
    if match is None:
        return None
    return AgeParse(value=_number(match.group(1)), unit=key_unit)


def _embedded(text: str) -> AgeParse | None:
    """One number-with-unit inside longer text ('adult (8 weeks)'); two are ambiguous."""
    found = list(_SINGLE_ANYWHERE.finditer(text))
    if len(found) != 1:
        return None
    number, unit, qualifier = (
        _number(found[0].group(2)),
        canonical_unit(found[0].group("unit")),
        found[0].group("q"),
    )
    if qualifier is None:
        return AgeParse(value=number, unit=unit)
    bound = _QUALIFIERS[qualifier]
    if bound.startswith("<"):
        return AgeParse(maximum=number, unit=unit, qualifier=bound)
    return AgeParse(minimum=number, unit=unit, qualifier=bound)


def _default_unit(parsed: AgeParse, taxid: int | None) -> AgeParse:
    """No unit anywhere: human ages are years when plausible; other species stay unit-less."""
    if parsed.unit is not None:
        return parsed
    largest = max(x for x in (parsed.value, parsed.minimum, parsed.maximum) if x is not None)
    if taxid == 9606 and largest <= MAX_HUMAN_YEARS:
        return replace(parsed, unit="year", reason="no unit given; human ages default to years")
    return replace(parsed, reason="a number without a unit (none in the key or the sample)")


@memoize(maxsize=1 << 16)
def parse_age(
    text: str, *, key_unit: str | None = None, taxid: int | None = None, strict: bool = False
) -> AgeParse | None:
    """Parse one deposited age; None when the text holds no age at all."""
    lowered = _NOISE.sub("", text.strip().lower()).strip(" ;,()").rstrip(".")
    if not lowered:
        return None
    found = _explicit(lowered) or _notation(lowered, strict)
    if found is None and strict and taxid in _RODENTS:
        found = _rodent_postnatal(text)
    if found or strict:
        return found
    lowered = _AGE_PREFIX.sub("", lowered)
    parsed = _with_unit(lowered, key_unit) or _bare(lowered, key_unit) or _embedded(lowered)
    return None if parsed is None else _default_unit(parsed, taxid)
