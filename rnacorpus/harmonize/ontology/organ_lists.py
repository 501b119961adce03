"""A list of three or more unrelated tissues names a pool, not the sample's tissue.

``brain,blood,liver,lung,muscle``, ``heart/lung/kidney``, ``liver, kidney and spleen``,
``frontal cortex; hippocampus; cerebellum``: depositors of pooled or multi-organ samples (reference RNA,
tissue panels, whole-body pools) list the organs that went in. The scan reads each name, and the
tissue decision used to keep the first: one organ of a pool is not what was sampled. The label policy
(s33) is that such a value gives no tissue; a two-organ list keeps its first term (``liver and
kidney`` → liver) as before, and alternatives (``bone marrow or blood``) are :mod:`.coordination`'s.

General: a run of tissue names written one after the other with only list marks between them (a
comma, semicolon, slash, plus or ampersand, or the word "and"/"&" before the last), at least three of
them naming terms none of which holds another (is_a or part_of: ``brain, cortex, left`` is one organ
and its part, not a list of three). Names with other words between them (``liver tissue from mice
fed …``) are not a list; the test reads only the value's punctuation and the ontology's closure, never
a list of organ words.
"""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.phrase_scan import Mention

__all__ = ["pooled_list"]

#: what may stand between two items of a list as written: a filler noun after the item ("liver tissue,
#: kidney tissue"), then a list mark (a hyphen only unspaced-or-spaced between words), then "and" / "&";
#: or "and" / "&" alone
_BETWEEN = (
    r"(?:\s+(?:tissues?|samples?))?"
    r"(?:\s*[,;/+&]\s*(?:(?:and|&)\s+)?|\s*-\s*|\s+(?:and|&)\s+)"
)
_POOL_SIZE = 3


def _listed(first: Mention, second: Mention, tokens: list[str], value: str) -> bool:
    """``second`` follows ``first`` in ``value`` as the next item of a list (see :data:`_BETWEEN`)."""
    last, lead = re.escape(tokens[first.stop - 1]), re.escape(tokens[second.start])
    pattern = rf"(?<![A-Za-z]){last}{_BETWEEN}{lead}(?![A-Za-z])"
    return re.search(pattern, value, re.IGNORECASE) is not None


def _unrelated(terms: list[str], index: OntologyIndex) -> int:
    """How many of ``terms`` no other of them holds (an organ and its part count once)."""
    return len(index.outermost(terms))


def pooled_list(found: list[Mention], tokens: list[str], value: str, index: OntologyIndex) -> str | None:
    """Why the value names no one tissue when its tissue names (``found``) include a list of three or
    more unrelated terms (see the module's docstring), else ``None``."""
    ordered = sorted(found, key=lambda mention: mention.start)
    run: list[Mention] = []
    for mention in ordered:
        if run and mention.start < run[-1].stop:
            continue  # an overlapping reading of the same words
        if run and not _listed(run[-1], mention, tokens, value):
            run = []
        run.append(mention)
        if _unrelated([m.match.term_id for m in run], index) >= _POOL_SIZE:
            names = ", ".join(repr(m.match.text) for m in run)
            return f"{names}: a list of organs names a pool, not the sample's tissue"
    return None
