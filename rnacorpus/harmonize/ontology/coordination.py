"""Two modifiers joined by "and" before one head: the value names the structure they share.

``jejunal and colic lymph node``, ``mesenteric and inguinal lymph nodes``, ``cervical and thoracic
spinal cord``: depositors write the modifiers of one head side by side, joined by "and", "or", "&" or
a slash. The phrase scan reads the second modifier with the head (colic lymph node) and the first alone
as an organ word (jejunal → jejunum): a wrong organ, or half of what was sampled. When the head written
after the second modifier names a term, and each modifier with that head names a term under it (jejunal
lymph node and colic lymph node are both lymph nodes), the value names the head: lymph node. A head
that is a part every organ has (mucosa) is then left to the bare-part rule, which reports it: "jejunal
and ileal mucosa" names two organs' mucosae, not one structure.

General: the test uses only the ontology's own names for "<modifier> <head>" and its is_a/part_of
closure, never a list of words. Not when a modifier with the head names nothing under it ("liver and
inguinal lymph node" is a list of two tissues).
"""

from __future__ import annotations

from dataclasses import replace

from rnacorpus.harmonize.ontology.direct_match import FieldMatch
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.phrase_scan import Mention, try_phrase

__all__ = ["coordinated_head"]

_JOINER_WORDS = frozenset({"and", "or", "&"})
_JOINER_MARKS = frozenset({"/", "&", "+"})


def _first_modifier(second: Mention, tokens: list[str], gaps: list[str]) -> int | None:
    """The token index of the modifier joined to ``second`` by a joining word or mark, else ``None``."""
    at = second.start
    if at >= 2 and tokens[at - 1].lower() in _JOINER_WORDS:
        return at - 2
    if at >= 1 and at < len(gaps) and gaps[at].strip() in _JOINER_MARKS:
        return at - 1
    return None


def _tissue(phrase: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """The one tissue term ``phrase`` names, else ``None``."""
    found = try_phrase(phrase, ("tissue",), taxid, index, whole=False)
    return None if found is None or found.ambiguous or found.field != "tissue" else found


def coordinated_head(
    found: list[Mention], tokens: list[str], gaps: list[str], taxid: int | None, index: OntologyIndex
) -> Mention | None:
    """The head shared by two joined modifiers (``jejunal and colic lymph node`` → lymph node), else ``None``."""
    for second in found:
        first_at = _first_modifier(second, tokens, gaps)
        if first_at is None or second.stop - second.start < 2:
            continue
        head_words = " ".join(tokens[second.start + 1 : second.stop])
        head = _tissue(head_words, taxid, index)
        if head is None:
            continue
        first = _tissue(f"{tokens[first_at]} {head_words}", taxid, index)
        parts = (first.term_id if first else None, second.match.term_id)
        if not all(part and part != head.term_id and index.is_ancestor(head.term_id, part) for part in parts):
            continue
        return Mention(
            replace(head, text=" ".join(tokens[first_at : second.stop])), first_at, second.stop, second.whole
        )
    return None
