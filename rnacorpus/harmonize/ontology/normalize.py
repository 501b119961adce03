"""Text normalization shared by the index (ontology names) and the matcher (deposited values).

Both sides go through the same functions, so consistency matters more than linguistics: a crude
singular ("diabete") is harmless as long as the ontology name and the deposited text get the same
one. The normalized form is what the ``normalized`` method compares; the *bag* (sorted distinct
tokens without function words) lets word order differ ("stomach fundus" = "fundus of stomach").
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["FUNCTION_WORDS", "bag", "bag_of", "clean", "compact", "norm", "singular", "tokens"]

#: words that carry no meaning for matching and are dropped from the bag form
FUNCTION_WORDS = frozenset({"of", "the", "and", "in", "from", "with", "a", "an", "to", "for", "on", "at", "by", "or"})

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "ε": "epsilon", "λ": "lambda"}
# British → American spellings as stem rewrites (one combined pattern); ontology labels are mostly American.
_SPELLING = {
    "oesoph": "esoph",
    "oestr": "estr",
    "oedem": "edem",
    "foet": "fet",
    "haem": "hem",
    "anaem": "anem",
    "aemia": "emia",
    "paed": "ped",
    "caec": "cec",
    "ischaem": "ischem",
    "gynaec": "gynec",
    "tumour": "tumor",
    "diarrhoea": "diarrhea",
    "isation": "ization",
}
_SPELLING_RE = re.compile("|".join(sorted(_SPELLING, key=len, reverse=True)))
_IRREGULAR = {
    "ganglia": "ganglion",
    "testes": "testis",
    "mice": "mouse",
    "children": "child",
    "women": "woman",
    "men": "man",
    "nuclei": "nucleus",
    "bronchi": "bronchus",
    "bronchioli": "bronchiolus",
    "alveoli": "alveolus",
    "villi": "villus",
    "glomeruli": "glomerulus",
    "metastases": "metastasis",
    "appendices": "appendix",
    "vertebrae": "vertebra",
    "larvae": "larva",
    "pupae": "pupa",
    "corpora": "corpus",
    "lumina": "lumen",
    "fetuses": "fetus",
    "foetuses": "fetus",
    "embryos": "embryo",
    "leaves": "leaf",
    "feet": "foot",
    "teeth": "tooth",
}
# Endings that look plural but are not (testis, pancreas, uterus, thymus, villus, glass ...).
_KEEP_S = ("ss", "us", "is", "as")
_TOKEN = re.compile(r"[a-z0-9]+")
_CD_NEGATIVE = re.compile(r"\b(cd\d+[a-z]?)-(?=[^a-z0-9]|$)")
_POSITIVE = re.compile(r"([a-z0-9])\+")


def clean(text: str) -> str:
    """Unicode-normalize, trim quotes and outer punctuation, collapse white space."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" \t\"'`.,;:")


@functools.lru_cache(maxsize=65536)
def singular(token: str) -> str:
    if token in _IRREGULAR:
        return _IRREGULAR[token]
    if len(token) <= 3 or token[-1] != "s" or token.isdigit():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "xes", "ches", "shes")):
        return token[:-2]
    if token.endswith(_KEEP_S):
        return token
    return token[:-1]


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with marker signs spelled out (CD4+ → cd4 positive) and singularized."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        for letter, name in _GREEK.items():
            text = text.replace(letter, f" {name} ")
    if "-" in text:
        text = _CD_NEGATIVE.sub(r"\1 negative ", text)
    if "+" in text:
        text = _POSITIVE.sub(r"\1 positive ", text)
    text = _SPELLING_RE.sub(lambda match: _SPELLING[match.group(0)], text.replace("&", " and "))
    return [singular(token) for token in _TOKEN.findall(text)]


def norm(text: str) -> str:
    return " ".join(tokens(text))


def bag_of(words: list[str]) -> str:
    return " ".join(sorted({word for word in words if word not in FUNCTION_WORDS}))


def bag(text: str) -> str:
    return bag_of(tokens(text))


def compact(text: str) -> str:
    """Letters and digits only, lower case: how cell-line names are compared (MCF7 = MCF-7 = MCF 7)."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", text).casefold())
