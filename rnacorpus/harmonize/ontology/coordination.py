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

Two unrelated structures written as alternatives or glued into one pair (:func:`joined_pair`) name no
one sample: ``bone marrow or blood``, ``bone marrow / peripheral blood`` (either, not said which),
``head-neck``, ``substantia nigra-ventral tegmental area`` (a hyphen joining two names, not a compound
whose head is the second). The family covers "or" and a slash between any two tissue names, and an
unspaced hyphen between two names neither of which is a part of the other (``Brain-Frontal Cortex``,
an organ and its site, is not such a pair). A list with "and", a comma or a semicolon keeps its first
term as before; a spaced " - " is GTEx's "Organ - site" and is left to :mod:`.organ_site`.

Two modifiers glued by a slash into one word before a head (``somatosensory/motor cortex``,
``prefrontal/orbito-frontal cortex``, :func:`glued_modifiers`) are the same alternatives: each with
the head names a structure, and when the head's own term holds neither (the generic cortex), the value
names two structures, not one; the scan had read only the head. When the head holds both
(``cervical/thoracic spinal cord``) the head stands, as above.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from rnacorpus.harmonize.ontology.direct_match import FieldMatch
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.phrase_scan import Mention, try_phrase

__all__ = ["coordinated_head", "glued_modifiers", "joined_pair"]

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


def _glued(first: Mention, second: Mention, tokens: list[str], value: str) -> bool:
    """The last word of ``first`` and the first of ``second`` joined by a slash (spaced or not) or an
    unspaced hyphen in the value as written (the phrase scan reads both as a space). A capitalized
    one-word organ opening the value before a hyphen is an atlas export's "Organ-site" (Bgee's GTEx
    libraries: ``Brain-Spinal cord``, ``Adipose-greater omentum``), read as :mod:`.organ_site` reads
    "Organ - site", not a pair."""
    last, lead = re.escape(tokens[first.stop - 1]), re.escape(tokens[second.start])
    hyphen = "" if first.start == 0 and first.stop == 1 and tokens[0][:1].isupper() else "-|"
    return re.search(rf"(?<![A-Za-z]){last}(?:{hyphen}\s*/\s*){lead}(?![A-Za-z])", value, re.IGNORECASE) is not None


def joined_pair(leaves: list[Mention], tokens: list[str], value: str) -> str | None:
    """Why the value names no one tissue, when two of its unrelated tissue names (``leaves``: none an
    ancestor of another) are alternatives or a glued pair (see the module's docstring), else ``None``."""
    ordered = sorted(leaves, key=lambda mention: mention.start)
    for first, second in itertools.pairwise(ordered):
        between = [token.lower() for token in tokens[first.stop : second.start]]
        # "bone marrow or blood": the scan may read "or" into the second name
        leading_or = not between and second.stop - second.start > 1 and tokens[second.start].lower() == "or"
        if between == ["or"] or leading_or:
            return f"{first.match.text!r} or {second.match.text!r}: alternatives, not which was sampled"
        if not between and _glued(first, second, tokens, value):
            return f"{first.match.text!r} and {second.match.text!r} joined as a pair name two structures, not one"
    return None


def glued_modifiers(chosen: Mention, tokens: list[str], taxid: int | None, index: OntologyIndex) -> str | None:
    """Why the value names no one tissue when the word before ``chosen`` is two modifiers glued by a
    slash, each naming a structure with ``chosen``'s words that ``chosen``'s term does not hold (see the
    module's docstring), else ``None``."""
    if chosen.start == 0:
        return None
    parts = tokens[chosen.start - 1].split("/")
    if len(parts) != 2 or not all(part[:1].isalpha() for part in parts):
        return None
    head = " ".join(tokens[chosen.start : chosen.stop])
    named = [_tissue(f"{part} {head}", taxid, index) for part in parts]
    if any(found is None for found in named) or len({found.term_id for found in named if found}) != 2:
        return None
    if all(found and index.is_ancestor(chosen.match.term_id, found.term_id) for found in named):
        return None
    first, second = (found.text for found in named if found)
    return f"{first!r} or {second!r}: two structures written as one word, not which was sampled"
