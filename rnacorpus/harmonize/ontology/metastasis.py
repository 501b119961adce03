"""A metastasis is sampled where it grew: the organ the cancer came from is not the tissue.

Family (GEO's tissue field): ``alveolar ridge squamous cell carcinoma metastatic to mouse lymph node``,
``pancreatic metastatic tumor (liver)``, ``peritoneal metastasis from pancreatic cancer``,
``clinical colorectal metastatic sample``, ``metastatic breast cancer tumor``. The reader takes the
first organ written, which in these values is the primary's (alveolar ridge, pancreas, colorectum), or
the site of the named cancer (breast cancer → breast). When the value says metastatic, metastasis or
met(s):

* a tissue written where the metastasis went — after "to", "in", "into" or "within" following the
  metastasis word, in parentheses, or just before the noun ("lung metastasis", "lymph node met") — is
  the sample;
* else a tissue read only from the primary — the organ adjective just before "metastatic"
  (``colorectal metastatic sample``) or the site of a cancer or carcinoma named (``disease_site``) —
  is no answer: the value does not say where the metastasis was, and the tissue stays unmapped.
  "Metastatic <organ> tumor" is, as pathologists use it, a secondary tumour in that organ: its site
  stays.

General: the test is the metastasis word and where the organ stands relative to it, never an organ
list. A metastasis word inside a disease that has a site of its own (``lymph node metastasis``) is that
disease's, and its site is read as any disease's; inside one without (``metastatic tumor``) it still
counts. A value without a metastasis word, and a tissue named after "metastatic" as the tumour's place
(``metastatic lung tumor``: a tumour in the lung), are unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rnacorpus.harmonize.ontology.build import mapped, unmapped
from rnacorpus.harmonize.ontology.disease_sites import site_from_diseases
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.phrase_scan import Mention, Mentions
from rnacorpus.schemas import Annotation

__all__ = ["MetastasisReading", "metastasis_reading", "names_metastasis", "placed"]

#: words saying the sample is (or comes from) a metastasis
_METASTASIS = frozenset({"metastatic", "metastasis", "metastases", "metastasized", "metastasised", "met", "mets"})
#: nouns after which nothing more is the site: "lung metastasis"
_NOUNS = frozenset({"metastasis", "metastases", "met", "mets"})
#: words after the metastasis word that lead to where it grew
_TO = frozenset({"to", "in", "into", "within"})
#: a disease named with one of these is the primary cancer ("metastatic breast cancer"); a "metastatic
#: lung tumor" is a secondary tumour in the lung, and its site stays
_CANCER = frozenset({"cancer", "cancers", "carcinoma", "carcinomas", "adenocarcinoma", "adenocarcinomas"})
#: words that may stand between "to" and the site ("metastatic to the mouse lymph node")
_BETWEEN = frozenset({"the", "a", "an", "mouse", "mice", "murine", "human", "rat", "regional", "distant"})


@dataclass(frozen=True)
class MetastasisReading:
    """The site the value names for its metastasis (``site``), else the mention read from the primary
    (``primary``), with why."""

    site: Mention | None
    primary: Mention | None
    why: str
    #: a cancer is named ("breast cancer"): its site is the primary's, not the sample's
    cancer_named: bool = False


def _paren(value: str, mention: Mention) -> bool:
    text = re.escape(mention.match.text)
    return re.search(rf"\(\s*{text}\s*\)", value, re.IGNORECASE) is not None


def _before_metastatic(mention: Mention, words: list[str], gaps: list[str]) -> bool:
    at = mention.stop
    return at < len(words) and words[at] == "metastatic" and (at >= len(gaps) or not gaps[at].strip())


def names_metastasis(tokens: list[str]) -> bool:
    """Does the value say metastatic, metastasis or met(s)? Then a named cancer's site is the primary's."""
    return any(token.lower() in _METASTASIS for token in tokens)


def metastasis_reading(
    value: str, mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> MetastasisReading | None:
    """How a value with a metastasis word places its tissue; None without one."""
    words = [t.lower() for t in mentions.tokens]
    marks = [i for i, w in enumerate(words) if w in _METASTASIS]
    if not marks:  # most values: one pass over the words, nothing looked up
        return None
    # "lymph node metastasis", "metastasis biopsy, lymph node": a disease named with its place (MONDO's
    # lymph node metastasis) already says where; its site is read as any disease's
    diseases = [d for d in mentions.for_field("disease") if site_from_diseases([d.match], taxid, index) is not None]
    marks = [i for i in marks if not any(d.start <= i < d.stop for d in diseases)]
    if not marks:
        return None
    tissues = sorted(mentions.for_field("tissue"), key=lambda m: m.start)
    for mention in tissues:
        before = [i for i in marks if i < mention.start]
        if before and any(w in _TO for w in words[before[-1] + 1 : mention.start]):
            between = words[before[-1] + 1 : mention.start]
            if all(w in _TO or w in _BETWEEN for w in between):
                return MetastasisReading(mention, None, f"{mention.match.text!r}: where the metastasis grew")
        if _paren(value, mention) and any(i < mention.start for i in marks):
            return MetastasisReading(mention, None, f"{mention.match.text!r} in parentheses: the metastasis' site")
        if mention.stop < len(words) and words[mention.stop] in _NOUNS:
            return MetastasisReading(mention, None, f"{mention.match.text!r} {words[mention.stop]}: its site")
    # "colorectal metastatic sample": the adjective of the primary; "lung, metastatic": a state after
    # the separator, the lung itself
    primary = next((m for m in tissues if _before_metastatic(m, words, mentions.gaps)), None)
    cancer = any(m.match.text.lower().split()[-1] in _CANCER for m in mentions.for_field("disease"))
    why = "a metastasis whose site is not said; the organ named is the primary's"
    return MetastasisReading(None, primary, why, cancer)


def placed(
    annotations: list[Annotation], reading: MetastasisReading, key: str | None, value: str, index: OntologyIndex
) -> list[Annotation]:
    """``annotations`` with the tissue decision a metastasis reading makes: its site, or no tissue
    when the only organ found is the primary's (named before "metastatic", or a cancer's site)."""
    out = []
    for found in annotations:
        if found.field != "tissue":
            out.append(found)
        elif reading.site is not None:
            site = reading.site.match.term_id
            kept = found.term_id == site
            out.append(
                found if kept else mapped("tissue", key, value, site, "normalized", 0.8, index, reason=reading.why)
            )
        elif found.term_id and (
            (found.method == "disease_site" and reading.cancer_named)
            or (reading.primary is not None and found.term_id == reading.primary.match.term_id)
        ):
            out.append(unmapped("tissue", key, value, reading.why))
        else:
            out.append(found)
    return out
