"""What the deposited text says about the values: ``#VALUE = RMA signal``, ``…_norm_counts_TPM_….tsv.gz``.

A label is evidence, not truth: :mod:`rnacorpus.harmonize.units.detect` weighs it against the
numbers. The most specific word wins (``norm_counts_TPM`` is TPM, not counts). Word boundaries are
"not a letter", so ``_TPM_`` and ``(FPKM)`` match while ``TPMT`` does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rnacorpus.harmonize.memo import memoize

__all__ = ["LabelHint", "read_labels", "value_column_labels"]


def _word(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z]){pattern}(?![a-z])", re.IGNORECASE)


# (unit or family, pattern); order = specificity. "intensity" is a family: the scale picks log2/linear.
_UNIT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tpm", _word(r"(tpm|transcripts?[ _-]per[ _-]million)")),
    ("cpm", _word(r"(cpm|counts?[ _-]per[ _-]million)")),
    ("fpkm", _word(r"([fr]pkm|(fragments|reads)[ _-]per[ _-]kilo\w*)")),
    (
        "centered",
        _word(
            r"(z[ _-]?scores?|standardi[sz]ed|(mean|median)[ _-]?cent(er|re)d|log[ "
            r"_-]?2?[ _-]?ratios?|ratios?)"
        ),
    ),
    (
        "centered",
        re.compile(r"log\w*[\s(]*(?:base\s*\d+\s*)?(?:of\s*)?\(?[^()/]*\w\s*/\s*\w[^()]*\)?", re.IGNORECASE),
    ),
    (
        "intensity",
        _word(
            r"(g?c?rma|plier|robust[ _-]multi\w*|mas[ _-]?[45](\.0)?|average[ _-]difference|dchip|gcos|"
            r"signal[ _-]intensit\w*|intensit\w*|scaled[ _-](raw[ _-])?(signal|data)|signal)"
        ),
    ),
    (
        "counts",
        _word(
            r"(raw[ _-]?counts?|read[ _-]?counts?|counts?|htseq\w*|featurecounts|expected[ _-]counts?|"
            r"vst|rlog|variance[ _-]stabili[sz]\w*)"
        ),
    ),
)
_LOG_TRUE = _word(
    r"(log\s*-?\s*2|log2|log10|log\s*-?\s*10|ln|log[ _-]?(transformed|scale|ratio|base)|logged|"
    r"log|g?c?rma|vst|rlog)"
)
_NOT_LOG = _word(r"(un[ _-]?logged|not[ _-]log\w*|non[ _-]?log\w*|anti[ _-]?log\w*|exponentiated)")
_LINEAR = _word(r"linear([ _-]scale)?")


@dataclass(frozen=True)
class LabelHint:
    """The unit (or ``intensity`` family) and log state the labels state, with the words that said so."""

    unit: str | None
    is_log: bool | None
    said_by: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return self.unit is None and self.is_log is None


def _unit_of(text: str) -> tuple[str | None, str | None]:
    for unit, pattern in _UNIT_PATTERNS:
        match = pattern.search(text)
        if match:
            return unit, match.group(0)
    return None, None


def _log_state(text: str) -> bool | None:
    """Explicit negation > a log word > "linear" (``log2 of LINEAR_RATIO`` is a log)."""
    if _NOT_LOG.search(text):
        return False
    if _LOG_TRUE.search(text):
        return True
    if _LINEAR.search(text):
        return False
    return None


def read_labels(texts: Iterable[str]) -> LabelHint:
    """The first text that names a unit decides the unit; log state from any text that states it.

    Memoized per distinct sequence of texts (a study's samples usually share theirs)."""
    return _read_labels(tuple(texts))


@memoize(maxsize=1 << 14)
def _read_labels(texts: tuple[str, ...]) -> LabelHint:
    unit: str | None = None
    is_log: bool | None = None
    said: list[str] = []
    for raw in texts:
        text = raw.strip()
        if not text:
            continue
        found, word = _unit_of(text)
        if unit is None and found is not None:
            unit = found
            said.append(f"{text!r} → {found} ({word})")
        if is_log is None:
            is_log = _log_state(text)
            if is_log is not None and (not said or not said[-1].startswith(repr(text))):
                said.append(f"{text!r} → {'log' if is_log else 'linear'}")
    return LabelHint(unit=unit, is_log=is_log, said_by=tuple(said))


def value_column_labels(columns: Iterable[tuple[str, str | None]], value_column: str = "VALUE") -> list[str]:
    """The value column's description, then those of the columns it refers to by name.

    GEO sample tables say ``#VALUE = same as UNF_VALUE but with flagged values removed``; the unit is in
    ``#UNF_VALUE = Log (base 2) of the ratio …``.
    """
    described = {name: (text or "") for name, text in columns}
    own = described.get(value_column, "")
    mentioned = [
        name
        for name in described
        if name != value_column and name and re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", own)
    ]
    return [own, *(described[name] for name in mentioned)] if own else []
