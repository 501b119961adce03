"""The noun written right after a tissue phrase: the compound's head, when it names another structure.

Family: ``peripheral nerve sheath``, ``neural complex`` — English compounds put the head last, so the
tissue phrase read (peripheral nerve, neural) only modifies the noun after it, and that noun is a
structure of its own: the nerve's sheath, a complex of neural structures. Read as the organ, the value
gave a term for the modifier, a different entity from the one sampled (the blind probe's "a modifier
that changes the entity"). When the head is one UBERON uses in names of the organ's own parts
(``esophagus muscularis``, ``stomach corpus``), :mod:`.unread_parts` reads it first; what is left here
is a head that names no part of the organ, and the tissue is left unmapped with the reason (precision
first: no term of ours names "<organ> <head>").

A head noun is a word UBERON ends many tissue names with and uses mostly as a thing of its own
(:func:`_entity_head`: sheath, complex, plexus, fold — not wall, layer, lobe, which UBERON writes as
"<word> of <structure>", a part of the organ) — the test is on UBERON's own names, never a list of
words; nor when the term read is already such a thing (``ascites fluid``). Not a head: filler and
bookkeeping (``lung tissue``, ``liver rep1``), side words, words of position (:data:`POSITION_WORDS`:
``brain area`` is the brain), words another field read (``liver tumor``, ``lymph node T cells``), and
words after punctuation (``liver, complex karyotype`` is a list, not a compound), and words another
field names (``bone male``: a sex; UBERON also ends names with "male").
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter

from rnacorpus.harmonize.ontology.derived import derived_table
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import FILLER, Mention, Mentions
from rnacorpus.harmonize.ontology.name_pairs import tissue_names
from rnacorpus.harmonize.ontology.tissue_forms import SIDE_WORDS
from rnacorpus.harmonize.ontology.value_words import BOOKKEEPING

__all__ = ["POSITION_WORDS", "modified_head"]

#: nouns that say a place in a structure without saying which (``brain area``, ``skin area``,
#: ``lung region``): beside an organ they leave the organ as what is known, and they are no part's name
POSITION_WORDS = frozenset(
    {"area", "areas", "region", "regions", "zone", "zones", "part", "parts", "portion", "portions", "site", "sites"}
)
#: a word that ends this many UBERON tissue names (of several words) is an anatomical head noun
_HEAD_MIN = 10
_MIN_WORD = 4
#: fields whose words (a sex, a stage, a disease, a cell) are never the head of a tissue compound
_OTHER_FIELDS = ("sex", "development_stage", "disease", "cell_type")
_WORD = re.compile(r"[a-z]+")
_lock = threading.Lock()


def _count_heads(index: OntologyIndex) -> tuple[Counter[str], Counter[str]]:
    names = index.tables["names"]
    heads: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    for term_id, name in zip(names["term_id"].to_pylist(), names["name"].to_pylist(), strict=True):
        if index.scope(term_id) != "tissue":
            continue
        lower = name.lower()
        words = _WORD.findall(lower)
        if len(words) > 1:
            heads[words[-1]] += 1
        before_of = _WORD.findall(lower.partition(" of ")[0]) if " of " in lower else []
        if before_of:
            parts[before_of[-1]] += 1
    return heads, parts


@functools.lru_cache(maxsize=2)
def name_heads(index: OntologyIndex) -> tuple[Counter[str], Counter[str]]:
    """Per word, how many UBERON tissue names of several words end with it, and how many name "<word>
    of <structure>" (read once per index, kept on disk with the other derived tables)."""
    with _lock:
        return derived_table(index, "name_heads", lambda: _count_heads(index))


def _entity_head(word: str, index: OntologyIndex) -> bool:
    """A noun UBERON ends many names with (:data:`_HEAD_MIN`) and uses mostly as a thing of its own
    rather than as "<word> of <structure>": ``sheath``, ``complex``, ``fold``, ``plexus`` name other
    structures, while ``wall``, ``membrane``, ``layer``, ``lobe``, ``capsule``, ``surface`` — nouns UBERON
    writes as "wall of …", "lobe of …" at least as often — name a part of the organ written before
    them (``middle meningeal artery wall``), of which the organ is a coarser but true reading."""
    heads, parts = name_heads(index)
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    form = word if heads[word] >= heads[singular] else singular
    return heads[form] >= _HEAD_MIN and parts[form] * 2 < heads[form]


def modified_head(chosen: Mention, mentions: Mentions, index: OntologyIndex) -> str | None:
    """Why the tissue is left unmapped when ``chosen`` only modifies the anatomical noun written right
    after it (see the module's docstring); None when no such noun follows."""
    if chosen.whole or chosen.match.field != "tissue":
        return None
    at = chosen.stop
    tokens, gaps = mentions.tokens, mentions.gaps
    if at >= len(tokens) or (at < len(gaps) and gaps[at].strip()):
        return None
    if any(m.start <= at < m.stop for m in mentions.found) or mentions.ambiguous("tissue"):
        return None
    word = tokens[at].lower()
    if (
        not word.isalpha()
        or len(word) < _MIN_WORD
        or word in FILLER
        or word in SIDE_WORDS
        or word in POSITION_WORDS
        or BOOKKEEPING.match(word)
        or not _entity_head(word, index)
        # "ascites fluid", "synovial membrane": the term read is already such a thing
        or any(word in _WORD.findall(name.lower()) for name in tissue_names(index, chosen.match.term_id))
        # "bone male", "liver adult": a word another field names says no place, though UBERON ends names with it
        or any(match_text(field, word, fuzzy=False, index=index) is not None for field in _OTHER_FIELDS)
    ):
        return None
    return f"{chosen.match.text!r} modifies {tokens[at]!r}, the head of the compound: a structure no term is read for"
