"""Find the terms a free-text value mentions, for the fields its key allows.

A value such as ``HCC tumor tissue`` or ``Primary T-ALL cells; newly diagnosed patient`` is split into
word tokens; phrases are tried longest first and claimed left to right, each by the first field (in
the key's order) whose rules (:func:`~rnacorpus.harmonize.ontology.match.match_text`, no fuzzy) accept
it, so ``breast cancer`` is one disease and not also the tissue ``breast``. A phrase counts as the
*whole* value when everything around it is filler (tissue, sample, total RNA, human …). Inside longer
text, one-word exact synonyms are not trusted (MONDO and UBERON have many that are ordinary words).

Fuzzy matching is only tried on a short whole value that nothing else matched. The phrase scan is
:mod:`.phrase_scan`, the whole-value readings :mod:`.whole_value`; this module decides between them
and splits hyphen-joined words.
"""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.cell_lines import find_cell_line
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import FIELD_SCOPES
from rnacorpus.harmonize.ontology.phrase_scan import Mention, Mentions, scan_phrases
from rnacorpus.harmonize.ontology.tissue_forms import SIDE_WORDS
from rnacorpus.harmonize.ontology.value_words import (
    FILLER,
    in_parentheses,
    inner_texts,
    tokenize,
    tokens_and_gaps,
)
from rnacorpus.harmonize.ontology.whole_value import NORMAL, STATE_FIELDS, fuzzy_whole, whole_match, within_state_words

__all__ = ["FILLER", "Mention", "Mentions", "find_mentions", "inner_texts", "tokenize"]

#: a hyphen or slash joining two words ("skin-lesional", "adipose-subcutaneous", "liver/tumor"), or a
#: hyphen gluing a gene or transgene symbol (letters then one or two digits) to the organ word after it
#: ("wnt1-mammary gland tumors", "K14-skin", "Brca1-mammary gland"); letters after the mark, so marker
#: signs (CD4-) and line names (MCF-7) keep theirs
_JOINED = re.compile(r"(?:(?<=[A-Za-z]{3})[-/]|(?:(?<=[A-Za-z][0-9])|(?<=[A-Za-z][0-9]{2}))-)(?=[A-Za-z]{3})")


#: a number written after "#" at the end of the value ("liver #2", "branchial arch # 12"): a sample's number
_NUMBERED = re.compile(r"\s*#\s*\d{1,4}\s*$")


def _phrase_fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for name in fields if name in FIELD_SCOPES)


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
    value = _NUMBERED.sub("", value)  # "branchial arch #2": a sample number, never the arch's number
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
        whole_match(value, tokens, phrase_fields, taxid, index, cell_suffix, rewrites)
        if result.cell_line is None
        else None
    )
    if (
        (whole is None or not whole.ambiguous)
        and result.cell_line is None
        and (edged := within_state_words(tokens, gaps, phrase_fields, taxid, index, cell_suffix, rewrites))
        # a value named as written keeps its name (adult organism); one read only once its
        # parentheses or filler were dropped is read without the state words instead, when that
        # names another term (lymph node (mesenteric) (normal))
        and (
            whole is None
            or (
                whole.term_id not in {m.match.term_id for m in edged}
                and whole_match(value, tokens, phrase_fields, taxid, index, cell_suffix, rewrites, 1) is None
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
            result.found.extend(scan_phrases(tokens, taxid, others, index, outside))
        return result
    result.found.extend(scan_phrases(tokens, taxid, phrase_fields, index, claimed, rewrites, cell_suffix=cell_suffix))
    if rewrites and result.cell_line is None and "tissue" in phrase_fields and not _names_field(result, "tissue"):
        # no tissue by the names as listed: the organ may be written in a form only a spelling
        # family reaches ("inguinal fat, cold exposure", "hippocampi of aged mice"); rewritten phrases
        # are tried only now, so they never hide a shorter listed name
        result.found.extend(scan_phrases(tokens, taxid, ("tissue",), index, claimed, rewrites, phrase_rewrites=True))
    if whole is not None and not any(m.match.field == whole.field for m in result.found):
        result.found.append(Mention(whole, 0, len(tokens), True))  # reported as ambiguous, never picked
    if result.cell_line is None and phrase_fields and _JOINED.search(value) and not _whole_read(result):
        split = find_mentions(_JOINED.sub(" ", value), fields, taxid, index, cell_suffix=cell_suffix, rewrites=rewrites)
        if split.found and (
            not result.found
            or _only_state_words(result)
            or (_reads_joined(split, tokens) and _read_letters(split) > _read_letters(result))
        ):
            return split
    if result.cell_line is None and phrase_fields and (not result.found or _only_state_words(result)):
        # "adult prostrate", "normal ovaray": a misspelt place beside words of the donor's state is
        # tried as the whole value alone is; the state words keep their own readings
        unread = [i for i in range(len(tokens)) if not any(m.start <= i < m.stop for m in result.found)]
        primary = phrase_fields[0]
        fuzzy = fuzzy_whole([tokens[i] for i in unread], primary, taxid, index) if unread else None
        if fuzzy is not None and primary not in STATE_FIELDS:
            result.found.append(Mention(fuzzy, unread[0], unread[-1] + 1, True))
        elif fuzzy is not None and not result.found:
            result.found.append(Mention(fuzzy, 0, len(tokens), True))
    return result


def _only_state_words(result: Mentions) -> bool:
    """Every mention names a state of the donor (adult, male, normal), none a place: the words for the
    place are still unread (a disease counts only as the health status)."""
    return bool(result.found) and all(
        m.match.field in STATE_FIELDS and (m.match.field != "disease" or m.match.term_id == NORMAL)
        for m in result.found
    )


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
    # a side word joined on (``pole-right``) places the part, as it does written apart: it need not be read
    return all(part.lower() in read or part.lower() in SIDE_WORDS for part in joined if part.isalpha())


def _names_field(result: Mentions, name: str) -> bool:
    return bool(result.for_field(name) or result.ambiguous(name))
