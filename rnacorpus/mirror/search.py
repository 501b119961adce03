"""Evaluate a parsed gds term over the mirror's records, and build Entrez's translation stack."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rnacorpus.mirror.query import DATE_FIELDS, Node, Op, Term, date_bounds, render
from rnacorpus.mirror.records import GdsRecord

__all__ = ["SearchResult", "search"]

#: common names Entrez's organism index also answers to
_ORGANISM_NAMES = {
    "human": "homo sapiens",
    "mouse": "mus musculus",
    "rat": "rattus norvegicus",
    "zebrafish": "danio rerio",
    "fruit fly": "drosophila melanogaster",
    "yeast": "saccharomyces cerevisiae",
}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class SearchResult:
    uids: frozenset[int]
    #: Entrez's postfix translation stack: leaf dicts and operator names
    stack: tuple[Any, ...]


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _free_text(record: GdsRecord) -> str:
    return " ".join((record.title, record.summary, *record.taxa, *record.gdstypes, *record.related))


def _text_match(haystack: str, term: Term) -> bool:
    needle = term.value.lower().strip()
    if not needle:
        return False
    if term.quoted or " " in needle:
        return needle in haystack.lower()
    words = _words(haystack)
    if needle.endswith("*"):
        stem = needle.rstrip("*")
        return bool(stem) and any(word.startswith(stem) for word in words)
    wanted = _words(needle)
    return bool(wanted) and wanted <= words


def _date_match(record: GdsRecord, term: Term) -> bool:
    bounds = date_bounds(term)
    day = record.pdat if term.field == "PDAT" else record.mdat
    return bounds is not None and day is not None and bounds[0] <= day <= bounds[1]


def _matcher(term: Term) -> Callable[[GdsRecord], bool]:
    value = term.value.strip().lower()
    if term.field in DATE_FIELDS:
        return lambda record: _date_match(record, term)
    simple: dict[str, Callable[[GdsRecord], bool]] = {
        "ACCN": lambda record: term.value.strip().upper() in record.related,
        "ETYP": lambda record: record.entrytype.lower() == value,
        "ORGN": lambda record: _ORGANISM_NAMES.get(value, value) in {taxon.lower() for taxon in record.taxa},
        "GTYP": lambda record: value in {kind.lower() for kind in record.gdstypes},
        "TITL": lambda record: _text_match(record.title, term),
        "FILT": lambda record: value == "rnaseq counts" and record.has_counts,
        "UID": lambda record: str(record.uid) == value,
        "ALL": lambda record: _text_match(_free_text(record), term),
    }
    return simple.get(term.field, lambda record: False)


def _leaf(term_text: str, display: str, count: int) -> dict[str, str]:
    return {"term": term_text, "field": display, "count": str(count), "explode": "N"}


def search(root: Node | None, records: Mapping[int, GdsRecord]) -> SearchResult:
    stack: list[Any] = []
    uids = _evaluate(root, records, stack) if root is not None else frozenset()
    if isinstance(root, Term):
        stack.append("GROUP")
    return SearchResult(uids, tuple(stack))


def _evaluate(node: Node, records: Mapping[int, GdsRecord], stack: list[Any]) -> frozenset[int]:
    if isinstance(node, Term):
        matches = _matcher(node)
        found = frozenset(uid for uid, record in records.items() if matches(record))
        if node.field in DATE_FIELDS and node.upper is not None:
            stack.extend(
                [
                    _leaf(f"{node.value}[{node.field}]", node.field, 0),
                    _leaf(f"{node.upper}[{node.field}]", node.field, 0),
                    "RANGE",
                ]
            )
        else:
            stack.append(_leaf(render(node), node.display, len(found)))
        return found
    assert isinstance(node, Op)
    left = _evaluate(node.left, records, stack)
    right = _evaluate(node.right, records, stack)
    stack.append(node.op)
    if node.grouped:
        stack.append("GROUP")
    if node.op == "AND":
        return left & right
    if node.op == "OR":
        return left | right
    return left - right
