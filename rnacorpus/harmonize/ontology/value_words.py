"""The words of a free-text value: tokens, the filler words around a phrase, parentheses.

The word split every reading of a value starts from, kept apart from
:mod:`rnacorpus.harmonize.ontology.mentions` (which claims phrases for fields) so that module stays a
size one can read; ``mentions`` re-exports ``FILLER``, ``tokenize`` and ``inner_texts`` for the modules
that import them from there.
"""

from __future__ import annotations

import re

__all__ = [
    "BOOKKEEPING", "FILLER", "INNER", "PAREN", "core_words", "in_parentheses", "inner_texts", "is_filler",
    "is_stage_code", "is_time_number",
    "tokenize", "tokens_and_gaps", "without_bookkeeping",
]  # fmt: skip

#: words that carry no field information; a value made of one phrase plus these is "whole"
FILLER = frozenset(
    {
        "tissue", "tissues", "sample", "samples", "specimen", "specimens", "total", "rna", "mrna", "dna",
        "from", "of", "the", "and", "with", "in", "to", "for", "on", "at", "by", "human", "humans", "mouse",
        "mice", "murine", "rat", "homo", "sapiens", "mus", "musculus", "primary", "fresh", "frozen",
        "isolated", "isolation", "cultured", "culture", "derived", "purified", "sorted", "immortalized",
        "biopsy", "biopsies", "surgical", "resected", "postmortem", "post-mortem", "cadaver", "donor",
        "donors", "patient", "patients", "pooled", "pool", "trizol", "labeled", "labelled", "cy3", "cy5",
        "extract", "lysate", "whole", "entire", "cell", "cells", "line", "lines", "organoid", "organoids",
        "prep", "preparation", "snap", "section", "sections", "newly", "diagnosed", "type", "day", "days",
        "week", "weeks", "month", "months", "year", "years", "old", "dissected", "microdissected", "harvested",
        "collected", "excised", "explanted", "obtained",
    }
    # the piece cut off a site for genotyping or a biopsy (ear punch, ear notch, tail snip, toe clip): the
    # site is the sample; "notch" is never read as the site's anatomical notch (intertragic incisure)
    | {"punch", "punches", "notch", "notches", "clip", "clips", "clipping", "clippings", "snip", "snips"}
    # replicate and batch words written apart from their number (``appendix, replicate 2``, ``liver, rep 1``,
    # ``biological replicate 3``): bookkeeping like ``rep1`` glued (BOOKKEEPING), whatever the tissue
    | {"replicate", "replicates", "rep", "reps", "biological", "technical", "batch", "subject", "individual", "n"}
)  # fmt: skip
TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?(?:[-.+/][A-Za-z0-9]+)*\+?")
PAREN = re.compile(r"\([^()]*\)")
INNER = re.compile(r"\(([^()]+)\)")


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text)


#: sample bookkeeping written after the tissue (``inguinal WAT rep1``, ``renal papillae 24h``,
#: ``left atrial appendage_KO``, ``(donor 2)``): replicate, sample and donor numbers, a time point, a
#: genotype tag. Beside a phrase they say nothing about the tissue, like filler words; they are not
#: filler for where a phrase may start (a phrase never holds them anyway: no ontology name does).
BOOKKEEPING = re.compile(
    r"^(?:(?:rep|replicate|r|s|sample|n|no|id|batch|lane|run|mouse|animal|donor|patient|subject|pt)"
    r"[-_#]?\d{1,4}[a-z]?|\d{1,3}|\d{1,3}(?:h|hr|hrs|min|d)|ko|wt|het|ctrl|kd|wild|wildtype|wild-type)$",
    re.IGNORECASE,
)


def is_filler(tokens: list[str]) -> bool:
    """Every token is a filler word or sample bookkeeping (:data:`BOOKKEEPING`)."""
    return all(token.lower() in FILLER or BOOKKEEPING.match(token) for token in tokens)


#: filler nouns naming a specimen or its source: a number after one is its identifier
_SPECIMEN_WORDS = frozenset(
    {"patient", "patients", "donor", "donors", "sample", "samples", "specimen", "specimens", "mouse", "mice", "rat"}
    | {"replicate", "replicates", "rep", "reps", "batch", "subject", "individual", "n"}
)
#: time units after a number: the number is an age or a time point (``digits, 8 weeks``), never part of a name
_TIME_UNITS = frozenset(
    {"h", "hr", "hrs", "hour", "hours", "min", "d", "day", "days", "wk", "wks", "week", "weeks", "month", "months"}
    | {"year", "years", "yr", "yrs", "mo"}
)


_NUMBER = re.compile(r"^\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?$")  # 8, 2.5, a range 20-22


def core_words(tokens: list[str]) -> list[str]:
    """The tokens that are no filler word, nor the number after a specimen word (``digits from patient
    3``: the patient's number, which joined to "digits" read as digit 3), nor a number before a time
    unit (``digits, 8 weeks``: an age, which joined to "digits" read as digit 8)."""
    return [
        token
        for i, token in enumerate(tokens)
        if token.lower() not in FILLER
        and not (i and token.isdigit() and tokens[i - 1].lower() in _SPECIMEN_WORDS)
        and not is_time_number(tokens, i)
    ]


#: a mouse embryonic or postnatal day written as a code (E16, e14.5, P7, p0): when, never whose
_STAGE_CODE = re.compile(r"^[EePp]\d{1,2}(?:\.\d{1,2})?$")


def is_stage_code(token: str) -> bool:
    """``E16``, ``e14.5``, ``P7``: an embryonic or postnatal day, a stage of the donor."""
    return _STAGE_CODE.match(token) is not None


def is_time_number(tokens: list[str], i: int) -> bool:
    """Token ``i`` is a number written before a time unit (``8 weeks``, ``24 h``): an age or a time
    point, never part of a tissue's name."""
    return bool(_NUMBER.match(tokens[i])) and i + 1 < len(tokens) and tokens[i + 1].lower() in _TIME_UNITS


def tokens_and_gaps(value: str) -> tuple[list[str], list[str]]:
    """:func:`tokenize`, with the text before each token (spaces, punctuation), in one pass."""
    tokens, gaps, end = [], [], 0
    for token in TOKEN.finditer(value):
        tokens.append(token.group())
        gaps.append(value[end : token.start()])
        end = token.end()
    return tokens, gaps


def inner_texts(value: str) -> list[str]:
    """The texts inside the value's (innermost) parentheses."""
    return [text.strip() for text in INNER.findall(value) if text.strip()]


def in_parentheses(value: str) -> list[bool]:
    """Per token of ``value``: does it sit inside a parenthesis?"""
    spans = [match.span() for match in INNER.finditer(value)]
    return [
        any(start <= token.start() and token.end() <= stop for start, stop in spans) for token in TOKEN.finditer(value)
    ]


def without_bookkeeping(value: str) -> str:
    """The value without the parentheses that hold only filler words and sample bookkeeping
    (``colon (descending) (donor 2)`` → ``colon (descending)``, ``kidney (cortex) (rep1)``): dropping
    every parenthesis would lose the one that says where in the organ."""
    return PAREN.sub(lambda paren: " " if is_filler(tokenize(paren.group()[1:-1])) else paren.group(), value)
