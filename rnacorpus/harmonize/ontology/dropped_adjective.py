"""A tissue label written without its leading organ adjective.

Family: UBERON labels many parts "<organ adjective> <part>" (laryngeal vocal fold, tympanic membrane's
neighbours, …) where depositors write the part alone (``vocal folds``). When a value names nothing as
written or through the other spelling families, the labels that read "<adjective> <value>" — the
adjective one UBERON's own name pairs write for an organ that holds the labelled term (laryngeal: the
larynx, and the vocal fold is part of it) — are offered to the matcher as rewrites
(:func:`~.match.match_text`), which accepts them only when all name one term. A value that is itself
a name (``cortex``, ``lymph node``) never gets here; several such labels (``sebaceous gland``: of the
skin, the eye …) are ambiguity; one word (``apex``) is not read this way, nor a part UBERON also names
"<part> of <structure>" for other structures (``right lobe``: of the liver, of the thyroid gland).
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harmonize.ontology.derived import derived_table
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.name_pairs import organ_adjective_organs
from rnacorpus.harmonize.ontology.normalize import norm

__all__ = ["labels_without_adjective"]

_lock = threading.Lock()


class _Dropped:
    """Per index: the normalized rest of each such label → the full labels."""

    def __init__(self, index: OntologyIndex) -> None:
        self.labels: dict[str, list[str]] = defaultdict(list)
        self.label_terms: dict[str, set[str]] = defaultdict(set)
        #: the normalized part of each tissue name "<part> of <structure>" → the terms so named
        self.part_of_names: dict[str, set[str]] = defaultdict(set)
        names = index.tables["names"]
        for term_id, name in zip(names["term_id"].to_pylist(), names["name"].to_pylist(), strict=True):
            part, sep, _ = name.lower().partition(" of ")
            if sep and " " in part and index.scope(term_id) == "tissue":
                self.part_of_names[norm(part)].add(term_id)
        terms = index.tables["terms"]
        candidates: list[tuple[str, str, str, set[str]]] = []  # term, label, rest, the adjective's organs
        for term_id, label in zip(terms["term_id"].to_pylist(), terms["label"].to_pylist(), strict=True):
            if not label or index.scope(term_id) != "tissue" or index.deprecated(term_id):
                continue
            first, _, rest = label.lower().partition(" ")
            organs = organ_adjective_organs(index, first) if rest else set()
            if organs:
                candidates.append((term_id, label, rest, organs))
        # which candidate terms lie in which organs: one pass over the closure, not a lookup per term
        closure = index.tables["closure"]
        wanted = pa.array(sorted({c[0] for c in candidates}), pa.string())
        organs_wanted = pa.array(sorted({o for c in candidates for o in c[3]}), pa.string())
        rows = closure.filter(
            pc.and_(pc.is_in(closure["descendant_id"], wanted), pc.is_in(closure["ancestor_id"], organs_wanted))
        )
        held = set(zip(rows["ancestor_id"].to_pylist(), rows["descendant_id"].to_pylist(), strict=True))
        for term_id, label, rest, organs in candidates:
            if any((organ, term_id) in held and organ != term_id for organ in organs):
                self.labels[norm(rest)].append(label)
                self.label_terms[norm(rest)].add(term_id)


@functools.lru_cache(maxsize=2)
def _dropped(index: OntologyIndex) -> _Dropped:
    with _lock:
        return derived_table(index, "dropped_adjective", lambda: _Dropped(index))  # kept on disk (derived.py)


def labels_without_adjective(index: OntologyIndex, text: str) -> list[str]:
    """The labels that read "<organ adjective> ``text``" for a part of that organ (vocal fold →
    laryngeal vocal fold); none for one word, which says which part but not whose (``apex``: of the
    heart, the lung, a tooth — UBERON labelling only one of them so does not make it the reading)."""
    key = norm(text)
    dropped = _dropped(index)
    if len(key.split()) < 2 or _named_for_others(index, dropped, key):
        return []
    return list(dropped.labels.get(key, ()))


def _named_for_others(index: OntologyIndex, dropped: _Dropped, key: str) -> bool:
    """UBERON also writes the part as "<part> of <structure>" for structures unrelated to the labelled
    one (``right lobe``: pancreas right lobe, but right lobe of liver, of thyroid gland — Bgee's
    "Liver-central right lobe" read as the pancreas's): the part alone does not say whose."""
    mine = dropped.label_terms.get(key, set())
    return any(
        not any(t == m or index.is_ancestor(t, m) or index.is_ancestor(m, t) for m in mine)
        for t in dropped.part_of_names.get(key, ())
    )
