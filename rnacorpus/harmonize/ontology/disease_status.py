"""Health status and denial in a value's disease phrases: ``normal`` / ``healthy`` / ``adjacent``
words make the disease PATO normal, ``HIV negative`` / ``non-diabetic`` deny the disease named.
Moved out of :mod:`.freetext`, which decides one field per value and asks these for the disease."""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.build import mapped
from rnacorpus.harmonize.ontology.fields import KeyInfo
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.mentions import Mention
from rnacorpus.harmonize.ontology.normalize import norm
from rnacorpus.schemas import Annotation

__all__ = ["NORMAL", "disease_mentions", "is_normal", "negated", "normal"]

NORMAL = "PATO:0000461"
_NORMAL_MARKER = re.compile(
    r"\b(?:normal|healthy|non[- ]?tumou?r(?:al|ous)?|non[- ]?cancerous|non[- ]?malignant|non[- ]?neoplastic|"
    r"non[- ]?diseased|tumou?r[- ]adjacent|adjacent|para[- ]?(?:cancerous|carcinoma|tumou?r(?:al)?))\b",
    re.IGNORECASE,
)
#: status words that mean "no disease" only under a key that is about disease
_DISEASE_KEY_ONLY = frozenset({"control", "none"})
#: disease terms too broad to beat a named disease in the same value
_BROAD_DISEASES = frozenset({"MONDO:0005070", "MONDO:0004992", "MONDO:0004993"})
_NEGATING_AFTER = frozenset({"negative", "neg", "free", "uninfected", "excluded", "absent"})
_NEGATING_BEFORE = frozenset({"non", "no", "not", "without", "never", "free", "un"})


def negated(tokens: list[str], mention: Mention) -> bool:
    """``HIV negative``, ``non-diabetic``, ``without asthma``: the value denies the disease."""
    after = tokens[mention.stop].lower() if mention.stop < len(tokens) else ""
    before = tokens[mention.start - 1].lower() if mention.start > 0 else ""
    return after in _NEGATING_AFTER or before in _NEGATING_BEFORE


def disease_mentions(info: KeyInfo, found: list[Mention], tokens: list[str]) -> list[Mention]:
    found = [m for m in found if not negated(tokens, m)]
    kept = [m for m in found if info.kind == "disease" or norm(m.match.text) not in _DISEASE_KEY_ONLY]
    specific = [m for m in kept if m.match.term_id not in _BROAD_DISEASES]
    return specific or kept


def is_normal(value: str, found: list[Mention]) -> bool:
    return bool(_NORMAL_MARKER.search(value)) or any(m.match.term_id == NORMAL for m in found)


def normal(info: KeyInfo, value: str, neighbour: Mention | None, index: OntologyIndex) -> Annotation:
    """Health status normal; a disease named beside it is the neighbouring tissue's, not the sample's."""
    word = _NORMAL_MARKER.search(value)
    notes = [f"health status {word.group(0)!r}"] if word else []
    if neighbour is not None:
        notes.append(f"{neighbour.match.text!r} names the neighbouring disease")
    whole = word is not None and word.group(0).strip().lower() == value.strip().lower()
    method, confidence = ("curated", 0.95) if whole or word is None else ("normalized", 0.85)
    return mapped("disease", info.key, value, NORMAL, method, confidence, index, reason="; ".join(notes) or None)
