"""Find the terms a free-text value mentions, for the fields its key allows.

A value such as ``HCC tumor tissue`` or ``Primary T-ALL cells; newly diagnosed patient`` is split into
word tokens; phrases are tried longest first and claimed left to right, each by the first field (in
the key's order) whose rules (:func:`~rnacorpus.harmonize.ontology.match.match_text`, no fuzzy) accept
it, so ``breast cancer`` is one disease and not also the tissue ``breast``. A phrase counts as the
*whole* value when everything around it is filler (tissue, sample, total RNA, human …). Inside longer
text, one-word exact synonyms are not trusted (MONDO and UBERON have many that are ordinary words).

Fuzzy matching is only tried on a short whole value that nothing else matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rnacorpus.harmonize.ontology.cavity_fluids import cavity_reading
from rnacorpus.harmonize.ontology.cell_lines import CellLineHit, find_cell_line
from rnacorpus.harmonize.ontology.curated import curated_table
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.likeness import resembles
from rnacorpus.harmonize.ontology.match import FIELD_SCOPES, FieldMatch, match_text
from rnacorpus.harmonize.ontology.normalize import FUNCTION_WORDS
from rnacorpus.harmonize.ontology.place_words import locating, negated
from rnacorpus.harmonize.ontology.reagent_words import names_a_reagent
from rnacorpus.harmonize.ontology.value_words import (
    FILLER,
    INNER,
    PAREN,
    TOKEN,
    core_words,
    in_parentheses,
    inner_texts,
    is_filler,
    tokenize,
    tokens_and_gaps,
    without_bookkeeping,
)

__all__ = ["FILLER", "Mention", "Mentions", "find_mentions", "inner_texts", "tokenize"]

_MAX_PHRASE = 8
#: a phrase the words around it say is no part of the sample: a landmark, a reagent, a likeness
_NOT_THE_SAMPLE = (locating, names_a_reagent, resembles)
#: fields a word at a value's edge may name without saying anything about the place (normal, adult, male)
_STATE_FIELDS = frozenset({"disease", "development_stage", "sex"})
_NORMAL = "PATO:0000461"  # normal, healthy, control: the one disease-field reading that is a state
#: a replicate number glued to a word at the end: "Kidney-2", "spleen_3", "liver #1" (not "area 9")
_REPLICATE = re.compile(r"(?<=[A-Za-z])\s*(?:[-_]|#\s*)\d{1,3}$")
#: a hyphen or slash joining two words ("skin-lesional", "adipose-subcutaneous", "liver/tumor"); only
#: letters on both sides, so marker signs (CD4-) and line names (MCF-7) keep theirs
_JOINED = re.compile(r"(?<=[A-Za-z]{3})[-/](?=[A-Za-z]{3})")


@dataclass(frozen=True)
class Mention:
    match: FieldMatch
    start: int  # token index
    stop: int
    whole: bool


@dataclass
class Mentions:
    tokens: list[str]
    found: list[Mention] = field(default_factory=list)
    cell_line: CellLineHit | None = None
    #: per token, the text between it and the token before (spaces, punctuation)
    gaps: list[str] = field(default_factory=list)

    def for_field(self, name: str) -> list[Mention]:
        """Mentions naming one term of ``name`` (ambiguous phrases are in :attr:`ambiguous`)."""
        return [m for m in self.found if m.match.field == name and not m.match.ambiguous]

    def ambiguous(self, name: str) -> list[Mention]:
        return [m for m in self.found if m.match.field == name and m.match.ambiguous]


def _phrase_fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for name in fields if name in FIELD_SCOPES)


def _try_phrase(
    phrase: str,
    fields: tuple[str, ...],
    taxid: int | None,
    index: OntologyIndex,
    *,
    whole: bool,
    rewrites: bool = True,
    phrase_rewrites: bool = False,
) -> FieldMatch | None:
    # Our reviewed abbreviations first, across all fields: "ALL" is the leukemia before an ontology's "ALL".
    for name in fields:
        curated = match_text(name, phrase, taxid=taxid, fuzzy=False, abbreviations_only=True, index=index)
        if curated is not None:
            return curated
    unclear: FieldMatch | None = None
    for name in fields:
        found = match_text(
            name,
            phrase,
            taxid=taxid,
            fuzzy=False,
            eponyms=whole,
            rewrites=(whole or phrase_rewrites) and rewrites,
            index=index,
        )
        if found is None or (found.single_word_synonym and not whole):
            continue
        if not found.ambiguous:
            return found
        unclear = unclear or found
    if unclear is None and rewrites and not whole and "tissue" in fields:  # see cavity_fluids
        unclear = cavity_reading(phrase, lambda name: match_text("tissue", name, taxid=taxid, fuzzy=False, index=index))
    return unclear


def _scan(
    tokens: list[str],
    taxid: int | None,
    fields: tuple[str, ...],
    index: OntologyIndex,
    claimed: list[bool],
    rewrites: bool = True,
    phrase_rewrites: bool = False,
    cell_suffix: bool = False,
) -> list[Mention]:
    found: list[Mention] = []
    for size in range(min(_MAX_PHRASE, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            stop = start + size
            # A phrase never starts with filler nor ends with a function word; it may end with other
            # filler ("T cells").
            if any(claimed[start:stop]) or tokens[stop - 1].lower() in FUNCTION_WORDS:
                continue
            phrase = " ".join(tokens[start:stop])
            if tokens[start].lower() in FILLER and not (size > 1 and _reviewed_phrase(phrase, fields, taxid)):
                continue
            whole = is_filler(tokens[:start] + tokens[stop:])
            hit = _try_phrase(
                phrase, fields, taxid, index, whole=whole, rewrites=rewrites, phrase_rewrites=phrase_rewrites
            )
            if cell_suffix and is_filler(tokens[stop:]) and (hit is None or _counted(tokens[stop - 1], hit)):
                hit = _cells_named(phrase, taxid, index) or hit
            if hit is not None:
                if not negated(tokens, start, hit):
                    found.append(Mention(hit, start, stop, whole))
                claimed[start:stop] = [True] * size
    kept = (m for m in found if not any(denies(tokens, m, found) for denies in _NOT_THE_SAMPLE))
    return sorted(kept, key=lambda mention: mention.start)


def _counted(last: str, hit: FieldMatch) -> bool:
    """A tissue read from a phrase whose last word is written in the plural, a count of things
    (``placental trophoblasts``, ``villous trophoblasts``): under a cell-type key the things counted
    are the cells the tissue is made of. A mass noun (``neonatal heart``, ``Tomato+ epidermis``,
    ``CD34+ bone marrow``) names where the cells come from and keeps its reading; so does a plural
    for which CL names no "<word> cell" (``B cells sorted from tonsils``, ``derived from blastocysts``)."""
    lower = last.lower()
    return hit.field == "tissue" and lower.endswith("s") and not lower.endswith(("ss", "us", "is"))


def _reviewed_phrase(phrase: str, fields: tuple[str, ...], taxid: int | None) -> bool:
    """A phrase of several words starting with a filler word that a reviewed row names as a whole
    (``whole body``, ``whole animal``, ``whole embryo``): the filler word is part of the name there, so
    the phrase is read inside longer values too (``mouse whole body``, ``normal whole animal``)."""
    return any(curated_table().find(name, phrase, taxid) is not None for name in fields)


def _cells_named(phrase: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """Under a cell-type key, a last phrase that names nothing trusted read as "<phrase> cell" when CL
    names that cell: the family of cell words CL lists only as one-word synonyms, not trusted alone
    inside longer text (``pituitary gonadotropes``: "gonadotrope cell" is a name; ``skin derived
    precursors``: precursor cells). The words before then say where the cells are from. A phrase
    with a reading of its own keeps it — "<organ> cell" would turn an organ into cells of it
    (``neonatal heart`` is not a cardiocyte) — unless its last word counts cells (:func:`_counted`)."""
    if re.search(r"\bcells?\b", phrase, re.IGNORECASE):
        return None
    found = match_text("cell_type", f"{phrase} cell", taxid=taxid, fuzzy=False, index=index)
    return None if found is None or found.ambiguous else found


def _within_edge_filler(value: str) -> str:
    """The value without the filler words at its ends, punctuation inside kept: ``Adipose (visceral)
    tissue`` → ``Adipose (visceral)``, read like the value without "tissue" before the parentheses
    are dropped (which would leave "Adipose tissue")."""
    spans = [m.span() for m in TOKEN.finditer(value) if m.group().lower() not in FILLER]
    if not spans:
        return value
    text = value[spans[0][0] : spans[-1][1]]
    return text + ")" * (text.count("(") - text.count(")"))


def _whole_variants(value: str, tokens: list[str]) -> list[str]:
    """The whole value, without parentheses of bookkeeping (donor 2), without filler words at its ends,
    without parentheses, stripped of filler words, without a replicate number glued on (``Kidney-2``)."""
    variants = [value, without_bookkeeping(value), _within_edge_filler(value), PAREN.sub(" ", value)]
    variants += [" ".join(core_words(tokens)), _REPLICATE.sub("", value)]
    return [v.strip() for v in dict.fromkeys(variants) if v.strip()]


def find_mentions(
    value: str,
    fields: tuple[str, ...],
    taxid: int | None,
    index: OntologyIndex,
    *,
    line_key: bool = False,
    cell_suffix: bool = False,
    rewrites: bool = True,
) -> Mentions:
    """Mentions of ``fields`` in ``value``; ``cell_suffix`` also tries "<value> cell" (cell-type keys);
    ``rewrites=False`` keeps to the names as listed (for organs read out of a term's own label)."""
    tokens, gaps = tokens_and_gaps(value)
    result = Mentions(tokens, gaps=gaps)
    if not tokens:
        return result
    claimed = [False] * len(tokens)
    if "cell_line" in fields:
        result.cell_line = find_cell_line(tokens, value, taxid, index, line_key=line_key)
        if result.cell_line is not None:
            claimed[result.cell_line.start : result.cell_line.stop] = [True] * (
                result.cell_line.stop - result.cell_line.start
            )
    phrase_fields = _phrase_fields(fields)
    whole = (
        _whole_match(value, tokens, phrase_fields, taxid, index, cell_suffix, rewrites)
        if result.cell_line is None
        else None
    )
    if (
        (whole is None or not whole.ambiguous)
        and result.cell_line is None
        and (edged := _within_state_words(tokens, gaps, phrase_fields, taxid, index, cell_suffix, rewrites))
        # a value named as written keeps its name (adult organism); one read only once its
        # parentheses or filler were dropped is read without the state words instead, when that
        # names another term (lymph node (mesenteric) (normal))
        and (
            whole is None
            or (
                whole.term_id not in {m.match.term_id for m in edged}
                and _whole_match(value, tokens, phrase_fields, taxid, index, cell_suffix, rewrites, 1) is None
            )
        )
    ):
        result.found.extend(edged)
        return result
    if whole is not None and not whole.ambiguous:
        result.found.append(Mention(whole, 0, len(tokens), True))
        # "liver (adult)": what the parenthesis adds for other fields still counts.
        others = tuple(name for name in phrase_fields if name != whole.field)
        outside = [not inside for inside in in_parentheses(value)]
        if others and not all(outside) and len(outside) == len(tokens):
            result.found.extend(_scan(tokens, taxid, others, index, outside))
        return result
    result.found.extend(_scan(tokens, taxid, phrase_fields, index, claimed, rewrites, cell_suffix=cell_suffix))
    if rewrites and result.cell_line is None and "tissue" in phrase_fields and not _names_field(result, "tissue"):
        # no tissue by the names as listed: the organ may be written in a form only a spelling
        # family reaches ("inguinal fat, cold exposure", "hippocampi of aged mice"); rewritten phrases
        # are tried only now, so they never hide a shorter listed name
        result.found.extend(_scan(tokens, taxid, ("tissue",), index, claimed, rewrites, phrase_rewrites=True))
    if whole is not None and not any(m.match.field == whole.field for m in result.found):
        result.found.append(Mention(whole, 0, len(tokens), True))  # reported as ambiguous, never picked
    if result.cell_line is None and phrase_fields and _JOINED.search(value) and not _whole_read(result):
        split = find_mentions(_JOINED.sub(" ", value), fields, taxid, index, cell_suffix=cell_suffix, rewrites=rewrites)
        if split.found and (
            not result.found or (_reads_joined(split, tokens) and _read_letters(split) > _read_letters(result))
        ):
            return split
    if not result.found and result.cell_line is None and phrase_fields:
        fuzzy = _fuzzy_whole(tokens, phrase_fields[0], taxid, index)
        if fuzzy is not None:
            result.found.append(Mention(fuzzy, 0, len(tokens), True))
    return result


def _whole_read(result: Mentions) -> bool:
    return any(mention.whole for mention in result.found)


def _read_letters(result: Mentions) -> int:
    """Letters of the words the mentions read: a hyphen joining an organ to the next words
    (``Brain-Frontal Cortex (BA9)``, Bgee's and GTEx's "Organ-site") hides the site's first word, so
    "Frontal Cortex" is found only once the hyphen is read as a space; the split reading is kept
    when it reads more of the value than the joined one (``Cortex`` alone, a generic cortex)."""
    return sum(len(token) for m in result.found for token in result.tokens[m.start : m.stop])


def _reads_joined(split: Mentions, tokens: list[str]) -> bool:
    """Every word a hyphen joins is read by the split reading: the hyphen joined two names, not a
    name and a word about it (``skin-homing``, ``serum-starved``, ``serum-free`` stay joined)."""
    read = {token.lower() for m in split.found for token in split.tokens[m.start : m.stop]}
    joined = [part for token in tokens if _JOINED.search(token) for part in re.split(r"[-/]", token)]
    return all(part.lower() in read for part in joined if part.isalpha())


def _names_field(result: Mentions, name: str) -> bool:
    return bool(result.for_field(name) or result.ambiguous(name))


def _inner_refinement(value: str, outer: FieldMatch, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    """``Brain (cerebellum)``: a parenthesis naming a part of the outer term refines it; so does a
    phrase inside it when only one such part is named, or parts one inside the other (``brain (BA9
    prefrontal cortex)``: the innermost)."""
    for inner_text in INNER.findall(value):
        inner = match_text(outer.field, inner_text, taxid=taxid, fuzzy=False, index=index)
        if inner is not None and not inner.ambiguous and index.is_ancestor(outer.term_id, inner.term_id):
            return inner
        inner_tokens = tokenize(inner_text)
        found = _scan(inner_tokens, taxid, (outer.field,), index, [False] * len(inner_tokens))
        parts = {m.match.term_id: m.match for m in found if index.is_ancestor(outer.term_id, m.match.term_id)}
        # parts that nest (BA9 of the prefrontal cortex) refine to the innermost
        innermost = [t for t in parts if all(o == t or index.is_ancestor(o, t) for o in parts)]
        if len(innermost) == 1:
            return parts[innermost[0]]
    return None


def _whole_match(
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
        found = _try_phrase(variant, fields, taxid, index, whole=True, rewrites=rewrites)
        if found is not None:
            refined = None if found.ambiguous else _inner_refinement(value, found, taxid, index)
            return refined or found
    return None


def _within_state_words(
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
    states = tuple(name for name in fields if name in _STATE_FIELDS)
    if not states:
        return []

    def state_word(i: int) -> bool:
        found = _try_phrase(tokens[i], states, taxid, index, whole=False)
        if found is None or found.ambiguous:
            return False
        # of disease words only the health status: a disease's name may run on into the rest (lung
        # adenocarcinoma), and the disease scan must still see it whole
        return found.field != "disease" or found.term_id == _NORMAL

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
    whole = _whole_match(text, core, fields, taxid, index, cell_suffix, rewrites)
    if whole is None or whole.ambiguous or whole.field in states:
        return []
    claimed = [start <= i < stop for i in range(len(tokens))]
    return sorted(
        [Mention(whole, start, stop, False), *_scan(tokens, taxid, states, index, claimed)], key=lambda m: m.start
    )


def _fuzzy_whole(tokens: list[str], primary: str, taxid: int | None, index: OntologyIndex) -> FieldMatch | None:
    core = core_words(tokens)
    if not core or len(core) > 4:
        return None
    return match_text(primary, " ".join(core), taxid=taxid, fuzzy=True, index=index)
