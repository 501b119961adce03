"""The loaded ontology index: name lookups by form, labels, scopes, closure and fuzzy search.

One index per process (:func:`get_index`), built from the compiled Arrow tables
(:mod:`~rnacorpus.harmonize.ontology.compile`). The ``keys`` table is sorted by (form, key), so a
lookup is a binary search over one plain list of strings: a warm start builds no dicts of names.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harmonize.ontology.compile import KEY_FORMS, cache_dir, load_tables
from rnacorpus.harmonize.ontology.fuzzy_window import NamesByLength, closest
from rnacorpus.harmonize.ontology.releases import release_key

__all__ = ["FUZZY_MIN_LENGTH", "FUZZY_THRESHOLD", "Hit", "OntologyIndex", "get_index", "is_process_index"]

log = logging.getLogger(__name__)

#: rapidfuzz ratio (0-100) a normalized value must reach against a normalized name
FUZZY_THRESHOLD = 90.0
#: shorter values are never fuzzy-matched: one edit changes their meaning (CD4/CD8, MS/ME)
FUZZY_MIN_LENGTH = 6
# The runner-up term must trail the best by this much, else the fuzzy match is ambiguous.
_FUZZY_MARGIN = 2.0
_DIGITS = re.compile(r"\d+")
#: words shorter than this are not judged by the fuzzy word check (a possessive "s", "of")
_SHORT_WORD = 3
#: the fuzzy word check compares stems: all but an ending this long, at least this many letters
_ENDING_MAX, _STEM_MIN = 3, 5


@dataclass(frozen=True)
class Hit:
    term_id: str
    kind: str  # "label" | "exact_synonym"
    name: str = ""  # the ontology's own spelling of the name that matched


class OntologyIndex:
    def __init__(self, tables: dict[str, pa.Table]) -> None:
        self.tables = tables
        terms = tables["terms"]
        self._term_row = {term_id: i for i, term_id in enumerate(terms["term_id"].to_pylist())}
        self._labels = terms["label"]
        self._scopes = terms["scope"]
        self._deprecated = terms["deprecated"]
        keys = tables["keys"]
        self._key_terms = keys["term_ids"]
        self._key_kinds = keys["kinds"]
        self._key_names = keys["names"]
        self._key_strings: list[str] = keys["key"].to_pylist()
        self._bounds = _form_bounds(keys["form"].to_pylist())
        self._cell_labels_cache: dict[str, str] | None = None
        #: where the tables came from (``<cache>/<release_key>``): tables derived from them are kept
        #: there too (:mod:`.derived`); None for an index built from tables in memory
        self.cache_folder: Path | None = None
        self._fuzzy_lock = threading.Lock()
        self._fuzzy_choices: dict[str, tuple[list[str], list[str]]] = {}
        self._fuzzy_words: dict[str, frozenset[str]] = {}
        self._fuzzy_by_length: dict[str, NamesByLength] = {}
        self._runs_lock = threading.Lock()
        self._runs: tuple[dict[str, tuple[int, int]], pa.Array] | None = None

    # -- terms -------------------------------------------------------------------------------
    def label(self, term_id: str) -> str | None:
        row = self._term_row.get(term_id)
        if row is not None:
            return str(self._labels[row].as_py())
        return self._cell_labels().get(term_id) if term_id.startswith("CVCL_") else None

    def shown(self, term_ids: Iterable[str], limit: int | None = None) -> str:
        """``"id (label), …"``: the terms a reason names, the first ``limit`` of them when given."""
        return ", ".join(f"{t} ({self.label(t)})" for t in list(term_ids)[:limit])

    def scope(self, term_id: str) -> str | None:
        row = self._term_row.get(term_id)
        return None if row is None else str(self._scopes[row].as_py())

    def exists(self, term_id: str) -> bool:
        return term_id in self._term_row or term_id in self._cell_labels()

    def deprecated(self, term_id: str) -> bool:
        row = self._term_row.get(term_id)
        return row is not None and bool(self._deprecated[row].as_py())

    def _cell_labels(self) -> dict[str, str]:
        if self._cell_labels_cache is None:
            cells = self.tables["cell_lines"]
            self._cell_labels_cache = dict(zip(cells["term_id"].to_pylist(), cells["label"].to_pylist(), strict=True))
        return self._cell_labels_cache

    # -- names -------------------------------------------------------------------------------
    def _key_row(self, form: str, key: str) -> int | None:
        start, stop = self._bounds[form]
        row = bisect.bisect_left(self._key_strings, key, start, stop)
        return row if row < stop and self._key_strings[row] == key else None

    def lookup(self, key: str, form: str, scopes: Iterable[str]) -> list[Hit]:
        """Terms whose name, in ``form`` (casefold / norm / bag), equals ``key``, within ``scopes``."""
        row = self._key_row(form, key)
        if row is None:
            return []
        wanted = set(scopes)
        hits: dict[str, Hit] = {}
        rows = zip(
            self._key_terms[row].as_py(),
            self._key_kinds[row].as_py(),
            self._key_names[row].as_py(),
            strict=True,
        )
        for term_id, kind, name in rows:
            if self.scope(term_id) in wanted and (term_id not in hits or kind == "label"):
                hits[term_id] = Hit(term_id, kind, name)
        return sorted(hits.values(), key=lambda hit: (hit.kind != "label", hit.term_id))

    def cell_lines(self, compact_key: str) -> list[str]:
        """Cellosaurus IDs whose label, letters and digits only, equals ``compact_key``."""
        row = self._key_row("compact", compact_key)
        return [] if row is None else list(self._key_terms[row].as_py())

    def fuzzy(self, normalized: str, scope: str) -> tuple[str, float] | None:
        """Best fuzzy (term_id, score) for a normalized value, or None when below threshold or tied."""
        if len(normalized) < FUZZY_MIN_LENGTH:
            return None
        term_ids = self._choices(scope)[1]
        # the names its length lets reach the threshold, scored as over every name (:mod:`.fuzzy_window`)
        found = closest(normalized, self._names_by_length(scope), FUZZY_THRESHOLD, limit=5)
        # Numbers must agree exactly: CD4 is not CD8, Theiler stage 21 is not 22.
        digits = _DIGITS.findall(normalized)
        found = [(name, score, i) for name, score, i in found if _DIGITS.findall(name) == digits]
        # A value whose words are all in a longer name ("trigeminal" / "trigeminal V") is a name cut
        # short, not misspelled: which of the longer names it meant is not for fuzzy matching to say.
        words = set(normalized.split())
        found = [(name, score, i) for name, score, i in found if not words < set(name.split())]
        # Fuzzy matching repairs misspelled words; a word the scope's names use is no misspelling, and
        # the name that lacks it is another structure ("ureteral lumen" is not the lumen of urethra).
        found = [(name, score, i) for name, score, i in found if not self._swaps_a_word(words, name, scope)]
        if not found:
            return None
        best_term = term_ids[found[0][2]]
        rivals = [score for _, score, i in found if term_ids[i] != best_term]
        if rivals and found[0][1] - rivals[0] < _FUZZY_MARGIN:
            return None
        return best_term, float(found[0][1])

    def _swaps_a_word(self, words: set[str], name: str, scope: str) -> bool:
        """A word of the value (three letters or more) that the name lacks is a word of the scope's
        names, and no word of the name shares its stem (``endothelial`` / ``endothelium`` do: another
        ending of one word; ``ureteral`` / ``urethral`` and ``stem`` / ``system`` do not)."""
        known = self._name_words(scope)
        own = name.split()
        for word in words - set(own):
            if len(word) < _SHORT_WORD or word not in known:
                continue
            stem = word[: max(_STEM_MIN, len(word) - _ENDING_MAX)]
            if not any(other.startswith(stem) for other in own):
                return True
        return False

    def _name_words(self, scope: str) -> frozenset[str]:
        """Every word of the scope's normalized names (built once per scope, on the first fuzzy match)."""
        with self._fuzzy_lock:
            if scope not in self._fuzzy_words:
                names = pa.array(self._choices_unlocked(scope)[0], pa.string())
                words = pc.unique(pc.list_flatten(pc.utf8_split_whitespace(names)))
                self._fuzzy_words[scope] = frozenset(words.to_pylist())
            return self._fuzzy_words[scope]

    def _names_by_length(self, scope: str) -> NamesByLength:
        """The scope's fuzzy names ordered by length (built once per scope, with its names)."""
        with self._fuzzy_lock:
            if scope not in self._fuzzy_by_length:
                self._fuzzy_by_length[scope] = NamesByLength.of(self._choices_unlocked(scope)[0])
            return self._fuzzy_by_length[scope]

    def _choices(self, scope: str) -> tuple[list[str], list[str]]:
        with self._fuzzy_lock:
            return self._choices_unlocked(scope)

    def _choices_unlocked(self, scope: str) -> tuple[list[str], list[str]]:
        if scope not in self._fuzzy_choices:
            names = self.tables["names"]
            rows = pc.index_in(names["term_id"], self.tables["terms"]["term_id"])
            chosen = names.filter(pc.equal(pc.take(self._scopes, rows), scope))
            self._fuzzy_choices[scope] = (chosen["norm"].to_pylist(), chosen["term_id"].to_pylist())
        return self._fuzzy_choices[scope]

    # -- hierarchy ---------------------------------------------------------------------------
    @functools.lru_cache(maxsize=16384)  # noqa: B019 - one index per process, lives as long as it
    def ancestors(self, term_id: str) -> dict[str, int]:
        """Ancestors (is_a and part_of) with their distance; the term itself at distance 0."""
        closure = self.tables["closure"]
        rows = closure.filter(pc.equal(closure["descendant_id"], term_id))
        return dict(zip(rows["ancestor_id"].to_pylist(), rows["distance"].to_pylist(), strict=True))

    def descendants(self, term_ids: Sequence[str]) -> list[str]:
        """Every term below any of ``term_ids`` (is_a and part_of), the terms themselves included, sorted."""
        runs, below = self._descendant_runs()
        found: set[str] = set()
        for term_id in term_ids:
            run = runs.get(term_id)
            if run is not None:
                found.update(below.slice(run[0], run[1] - run[0]).to_pylist())
        return sorted(found)

    def _descendant_runs(self) -> tuple[dict[str, tuple[int, int]], pa.Array]:
        """ancestor → (start, stop) of its rows in the closure ordered by ancestor, and the descendants
        in that order. Built once per code and ontology release and kept (:mod:`.derived`; ~0.3 s to
        build, a fraction to load): a filter of the ~1M-row closure per call cost 6–23 ms, and the
        organ/site rules ask for the descendants of large terms once per distinct value."""
        with self._runs_lock:
            if self._runs is None:
                from rnacorpus.harmonize.ontology.derived import derived_table

                self._runs = derived_table(self, "descendant_runs", self._build_descendant_runs)
            return self._runs

    def _build_descendant_runs(self) -> tuple[dict[str, tuple[int, int]], pa.Array]:
        closure = self.tables["closure"]
        ancestors = closure["ancestor_id"].combine_chunks().dictionary_encode()
        codes = ancestors.indices.to_numpy(zero_copy_only=False)
        order = np.argsort(codes)  # order within one ancestor's run does not matter: callers sort
        counts = np.bincount(codes, minlength=len(ancestors.dictionary))
        stops = np.cumsum(counts)
        runs = dict(
            zip(
                ancestors.dictionary.to_pylist(),
                zip((stops - counts).tolist(), stops.tolist(), strict=True),
                strict=True,
            )
        )
        return runs, closure["descendant_id"].combine_chunks().take(pa.array(order))

    def is_ancestor(self, ancestor: str, term_id: str) -> bool:
        return ancestor != term_id and ancestor in self.ancestors(term_id)

    def outermost(self, term_ids: Iterable[str]) -> list[str]:
        """The terms of ``term_ids`` no other of them holds (is_a or part_of), sorted: the readings that
        stand for the rest (one lookup of ancestors per term, not one per pair)."""
        terms = set(term_ids)
        return sorted(t for t in terms if not (self.ancestors(t).keys() - {t}) & terms)


def _form_bounds(forms: list[str]) -> dict[str, tuple[int, int]]:
    """form → (start, stop) of its block; the keys table is sorted by form, then key."""
    bounds = {}
    for form in (*KEY_FORMS, "compact"):
        start = forms.index(form)
        bounds[form] = (start, start + forms.count(form))
    return bounds


_lock = threading.Lock()
_index: OntologyIndex | None = None


def is_process_index(index: OntologyIndex | None) -> bool:
    """None or the process-wide index: the one whose answers may be memoized."""
    return index is None or index is _index


def get_index(cache: Path | None = None) -> OntologyIndex:
    """The process-wide index, loaded on first use (compiled and cached on disk the first time)."""
    global _index
    with _lock:
        if _index is None:
            started = time.perf_counter()
            _index = OntologyIndex(load_tables(cache))
            _index.cache_folder = (cache or cache_dir()) / release_key()
            log.debug("ontology index ready in %.2fs", time.perf_counter() - started)
        return _index
