"""Brodmann areas written by their initials: ``BA9``, ``BA 46``, ``Brodmann 10``.

Family: the cortical areas brain studies sample (GTEx's ``Frontal Cortex (BA9)``, the dorsolateral
prefrontal BA9 and BA46, BA24 of the anterior cingulate …), written "BA" and the area's number.
UBERON labels each area "Brodmann (1909) area <n>" and lists "BA<n>" as a synonym for only some of
them (BA46, not BA9 or BA10), so the same spelling reached one area and not the next. The rewrite is
looked up like every tissue rewrite (:func:`~.match.match_text`): only an area UBERON names is an
answer, and a number that is no area gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["brodmann_rewrites"]

#: "BA9", "BA 9", "BA-9", "Brodmann 9", "Brodmann's area 9" (case of "BA" as written: "ba" is a word)
_AREA = re.compile(r"^(?:BA[\s-]?|Brodmann(?:['’]?s)?\s+(?:area\s+)?)(\d{1,2})$", re.IGNORECASE)


def brodmann_rewrites(text: str) -> Iterator[str]:
    """UBERON's label for the Brodmann area ``text`` names by its initials or the bare word."""
    found = _AREA.match(text.strip())
    if found is not None and (not text.lower().startswith("ba") or text[:2] == "BA"):
        yield f"brodmann (1909) area {int(found.group(1))}"
