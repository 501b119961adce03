"""A value read as one name: the whole value, its variants, and the value within words of state.

:func:`whole_match` tries the value as written, then without bookkeeping parentheses, edge filler,
parentheses, filler words or a glued replicate number; a parenthesis naming a part of the answer
refines it (``Brain (cerebellum)``). :func:`within_state_words` reads the value whole once health,
age or sex words at its edges are set apart (``normal left atrial appendage``). :func:`fuzzy_whole`
is the last resort for a short value nothing else matched.
"""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import FieldMatch, match_text
from rnacorpus.harmonize.ontology.phrase_scan import Mention, scan_phrases, try_phrase
from rnacorpus.harmonize.ontology.tissue_owner import organ_made_of
from rnacorpus.harmonize.ontology.value_words import (
    FILLER,
    INNER,
    PAREN,
    TOKEN,
    core_words,
    is_time_number,
    tokenize,
    without_bookkeeping,
)

__all__ = ["NORMAL", "STATE_FIELDS", "fuzzy_whole", "whole_match", "within_state_words"]

#: fields a word at a value's edge may name without saying anything about the place (normal, adult, male)
STATE_FIELDS = frozenset({"disease", "development_stage", "sex"})
NORMAL = "PATO:0000461"  # normal, healthy, control: the one disease-field reading that is a state
#: a replicate number glued to a word at the end: "Kidney-2", "spleen_3", "liver #1" (not "area 9")
_REPLICATE = re.compile(r"(?<=[A-Za-z])\s*(?:[-_]|#\s*)\d{1,3}$")


def _within_edge_filler(value: str) -> str:
    """The value without the filler words at its ends, punctuation inside kept: ``Adipose (visceral)
    tissue`` → ``Adipose (visceral)``, read like the value without "tissue" before the parentheses
    are dropped (which would leave "Adipose tissue")."""
    found = list(TOKEN.finditer(value))
    words = [m.group() for m in found]
    # an age at the edge goes with its unit ("digits, 8 weeks": not "digits, 8", read as digit 8)
    spans = [m.span() for i, m in enumerate(found) if m.group().lower() not in FILLER and not is_time_number(words, i)]
    if not spans:
        return value
    text = value[spans[0][0] : spans[-1][1]]
    return text + ")" * (text.count("(") - text.count(")"))


def _whole_variants(value: str, tokens: list[str]) -> list[str]:
    """The whole value, without parentheses of bookkeeping (donor 2), without filler words at its ends,
    without parentheses, stripped of filler words, without a replicate number glued on (``Kidney-2``)."""
    variants = [value, without_bookkeeping(value), _within_edge_filler(value), PAREN.sub(" ", value)]
    variants += [" ".join(core_words(tokens)), _REPLICATE.sub("", value)]
    if _REPLICATE.search(value):
        # "adrenal gland #2": the value without its replicate number first, so that no rewrite of the
        # value with the number (adrenal gland 2 tissue) is read before the name as written
        variants.insert(0, _REPLICATE.sub("", value))
    return [v.strip() for v in dict.fromkeys(variants) if v.strip()]


def _inner_refinement(
    value: str, outer: FieldMatch, taxid: int | None, index: OntologyIndex, outer_text: str = ""
) -> FieldMatch | None:
    """``Brain (cerebellum)``: a parenthesis naming a part of the outer term refines it; so does a
    phrase inside it when only one such part is named, or parts one inside the other (``brain (BA9
    prefrontal cortex)``: the innermost). A parenthesis that is a qualifier of the outer name
    (``adipose tissue (epididymal)``) refines it to what "<qualifier> <outer>" names by the ordinary
    rules (epididymal adipose tissue: the epididymal fat pad), when that is a kind or part of the outer
    term — the family of depot, side and site adjectives written after the tissue they qualify. When
    that composed name is the outer term itself, the qualifier is already read and the word alone
    refines nothing (``adipose (subcutaneous)`` stays subcutaneous adipose tissue, though
    "subcutaneous" alone is the hypodermis the depot is part of). After
    a tissue type, the organ it makes up refines it too (``skeletal muscle (soleus)``: :mod:`.tissue_owner`)."""

    def refines(term_id: str) -> bool:
        return index.is_ancestor(outer.term_id, term_id) or organ_made_of(outer.term_id, term_id, index)

    # the outer phrase as written before its parentheses: "adipose (subcutaneous)" composes as
    # "subcutaneous adipose", not "subcutaneous adipose (subcutaneous)"
    outer_words = " ".join(PAREN.sub(" ", outer_text).split())
    for inner_text in INNER.findall(value):
        composed = (
            match_text(outer.field, f"{inner_text} {outer_words}", taxid=taxid, fuzzy=False, index=index)
            if outer_words and len(inner_text.split()) == 1
            else None
        )
        if composed is not None and not composed.ambiguous:
            if composed.term_id == outer.term_id:
                # the qualifier is already read into the outer term (subcutaneous adipose tissue): the
                # composed name stands, and the word alone (subcutaneous: the hypodermis) refines nothing
                return None
            if index.is_ancestor(outer.term_id, composed.term_id):
                return composed
        inner = match_text(outer.field, inner_text, taxid=taxid, fuzzy=False, index=index)
        if inner is not None and not inner.ambiguous and refines(inner.term_id):
            return inner
        inner_tokens = tokenize(inner_text)
        found = scan_phrases(inner_tokens, taxid, (outer.field,), index, [False] * len(inner_tokens))
        parts = {m.match.term_id: m.match for m in found if refines(m.match.term_id)}
        # parts that nest (BA9 of the prefrontal cortex) refine to the innermost
        innermost = [t for t in parts if all(o == t or index.is_ancestor(o, t) for o in parts)]
        if len(innermost) == 1:
            return parts[innermost[0]]
    return None


def whole_match(
    value: str,
    tokens: list[str],
    fields: tuple[str, ...],
    taxid: int | None,
    index: OntologyIndex,
    cell_suffix: bool,
    rewrites: bool,
    variants: int | None = None,
) -> FieldMatch | None:
    """The value read as a whole, trying :func:`_whole_variants` in order (the first ``variants`` only
    when given: 1 = as written)."""
    for variant in _whole_variants(value, tokens)[:variants]:
        if cell_suffix and not re.search(r"\bcells?\b", variant, re.IGNORECASE):
            found = match_text("cell_type", f"{variant} cell", taxid=taxid, fuzzy=False, index=index)
            if found is not None:
                return found
        found = try_phrase(variant, fields, taxid, index, whole=True, rewrites=rewrites)
        if found is not None:
            refined = None if found.ambiguous else _inner_refinement(value, found, taxid, index, variant)
            return refined or found
    return None


def within_state_words(
    tokens: list[str],
    gaps: list[str],
    fields: tuple[str, ...],
    taxid: int | None,
    index: OntologyIndex,
    cell_suffix: bool,
    rewrites: bool,
) -> list[Mention]:
    """A value that is a whole name once the words at its edges naming the donor's state are set
    apart: ``normal left atrial appendage``, ``adult renal cortices``, ``healthy Muscle - Skeletal``.
    A health, age or sex word says nothing about the place, yet as a word the scan must claim it
    stops the rest being read as the whole value, so the spelling families that read whole values
    only (sided names, Latin plurals, "Organ - site") never saw it and a shorter phrase inside it won
    (atrial appendage). The rest is matched as a whole value and the edge words for their fields;
    nothing when no edge word names a state or the rest names nothing as a whole."""
    states = tuple(name for name in fields if name in STATE_FIELDS)
    # under a tissue key a sex word is set apart too (``appendix, male``: the key reads no sex), though
    # only the key's own state fields are read from the edge words; not under a cell-type key, where
    # stage and sex words are parts of cell names (embryonic stem cell, male germ cell)
    every_state = (*states, "sex") if fields[:1] == ("tissue",) and "sex" not in states else states
    if not every_state:
        return []

    def state_word(i: int) -> bool:
        found = try_phrase(tokens[i], every_state, taxid, index, whole=False)
        if found is None or found.ambiguous:
            return False
        # of disease words only the health status: a disease's name may run on into the rest (lung
        # adenocarcinoma), and the disease scan must still see it whole
        return found.field != "disease" or found.term_id == NORMAL

    def edge(i: int) -> bool:
        return tokens[i].lower() in FILLER or state_word(i)

    start, stop = 0, len(tokens)
    while start < stop and edge(start):
        start += 1
    while stop > start and edge(stop - 1):
        stop -= 1
    outside = [i for i in range(len(tokens)) if not start <= i < stop]
    if start == stop or all(tokens[i].lower() in FILLER for i in outside):
        return []
    core = tokens[start:stop]
    text = tokens[start] + "".join(gap + token for gap, token in zip(gaps[start + 1 : stop], core[1:], strict=True))
    text += ")" * (text.count("(") - text.count(")"))  # "lymph node (mesenteric) (normal)": its ")" stays
    whole = whole_match(text, core, fields, taxid, index, cell_suffix, rewrites)
    if whole is None or whole.ambiguous or whole.field in STATE_FIELDS:
        return []
    claimed = [start <= i < stop for i in range(len(tokens))]
    read = scan_phrases(tokens, taxid, states, index, claimed) if states else []
    return sorted([Mention(whole, start, stop, False), *read], key=lambda m: m.start)


def fuzzy_whole(tokens: list[str], primary: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    core = core_words(tokens)
    if not core or len(core) > 4:
        return None
    return match_text(primary, " ".join(core), taxid=taxid, fuzzy=True, index=index)
