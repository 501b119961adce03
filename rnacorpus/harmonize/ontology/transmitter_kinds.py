"""A neuron named by its transmitter's noun: CL names it by the "-ergic" adjective.

Family: ``dopamine neurons``, ``midbrain dopamine neurons``, ``serotonin neurons``, ``GABA neurons``,
``glutamate neurons``: depositors name a neuron by the transmitter it releases; CL labels the kind
with the adjective (dopaminergic neuron, midbrain dopaminergic neuron, serotonergic neuron). General:
the adjectives are CL's own label words ending in "-ergic"; a written word is read as one when it is
the adjective's stem with at most a noun ending after it (dopamin|e, seroton|in, GABA), never a list
of transmitters. The rewritten phrase must name a CL term by the ordinary rules.
"""

from __future__ import annotations

import functools
import re

from rnacorpus.harmonize.ontology.index import OntologyIndex

__all__ = ["transmitter_rewrites"]

_ERGIC = "ergic"
#: what a transmitter's noun may add after the adjective's stem (dopamin|e, seroton|in, histamin|e)
_NOUN_ENDINGS = ("", "e", "in")
_MIN_STEM = 4
_NEURON = re.compile(r"\bneurons?\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=2)
def _adjectives(index: OntologyIndex) -> dict[str, str]:
    """stem → the "-ergic" adjective of CL's labels (dopamin → dopaminergic), read once per index."""
    found: dict[str, str] = {}
    for term_id, label in zip(
        index.tables["terms"]["term_id"].to_pylist(), index.tables["terms"]["label"].to_pylist(), strict=True
    ):
        if not term_id.startswith("CL:") or not label:
            continue
        for word in _WORD.findall(label.lower()):
            if word.endswith(_ERGIC) and len(word) - len(_ERGIC) >= _MIN_STEM:
                found[word[: -len(_ERGIC)]] = word
    return found


def transmitter_rewrites(text: str, index: OntologyIndex) -> list[str]:
    """``text`` with the word right before "neuron(s)" written as CL's "-ergic" adjective of it, when
    that word is a transmitter's noun (see the module); empty otherwise."""
    found = _NEURON.search(text)
    if found is None:
        return []
    before = list(_WORD.finditer(text[: found.start()]))
    if not before:
        return []
    word = before[-1].group().lower()
    adjectives = _adjectives(index)
    rewrites = []
    for ending in _NOUN_ENDINGS:
        stem = word[: len(word) - len(ending)] if ending else word
        if word.endswith(ending) and stem in adjectives and adjectives[stem] != word:
            start, stop = before[-1].span()
            rewrites.append(text[:start] + adjectives[stem] + text[stop:])
    return rewrites
