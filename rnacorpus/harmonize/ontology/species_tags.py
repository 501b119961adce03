"""Terms an ontology files as one species' own: a binomial tag such as "(Mmus)" ending the label.

CL keeps some cell kinds described in one species only with the species written into the label as a
four-letter tag of its binomial (``alpha retinal ganglion cell (Mmus)``: 152 terms in this release,
all *Mus musculus*), and files their synonyms without it ("alpha cell", "ON alpha cell"). Such a term
is never picked for a value of another named organism: a human "alpha cell" is no mouse retinal
ganglion cell, and the synonym then names nothing (or the term left, when others share the name).

CL also tags some kinds with the species' common name after a comma (``CD16-negative, CD56-bright
natural killer cell, human``, ``…, mouse``): read the same way, from our taxon table's common names.

General: the tag is read from the term's label and compared with the sample organism's binomial
(genus initial and the species' first three letters, from our taxon table) or common names, never a
list of terms. A tag that abbreviates none of our taxa (``(Aves)``, a class) says nothing, and a
value of unknown organism keeps every term.
"""

from __future__ import annotations

import functools
import re

from rnacorpus.harmonize.ontology.curated import taxa

__all__ = ["of_another_species"]

_TAG = re.compile(r"\(([A-Z][a-z]{3})\)\s*$")
#: ", human" ending a label: the species' common name after a comma
_COMMON_TAG = re.compile(r",\s*([a-z][a-z ]*[a-z])\s*$")


def _tag(scientific_name: str) -> str | None:
    words = scientific_name.split()
    return f"{words[0][0]}{words[1][:3]}" if len(words) >= 2 and len(words[1]) >= 3 else None


@functools.cache
def _tags() -> dict[int, str]:
    """taxid → the binomial tag of each taxon of our table."""
    return {taxid: tag for taxid, taxon in taxa().items() if (tag := _tag(taxon.scientific_name))}


@functools.cache
def _known_tags() -> frozenset[str]:
    return frozenset(_tags().values())


@functools.cache
def _common_names() -> dict[str, int]:
    """common name → taxid, for names one taxon of our table has."""
    owners: dict[str, set[int]] = {}
    for taxid, taxon in taxa().items():
        for name in taxon.common_names:
            owners.setdefault(name.lower(), set()).add(taxid)
    return {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}


def of_another_species(label: str | None, taxid: int | None) -> bool:
    """Is ``label`` tagged as the term of a species other than ``taxid``'s (see the module)?"""
    if taxid is None or label is None:
        return False
    if label.endswith(")"):
        found = _TAG.search(label)
        if found is None or found.group(1) not in _known_tags():
            return False
        return _tags().get(taxid) != found.group(1)
    common = _COMMON_TAG.search(label)
    tagged = _common_names().get(common.group(1)) if common else None
    return tagged is not None and tagged != taxid
