"""One deposited characteristic → the harmonized decisions it supports (one per field found).

:func:`annotate_characteristic` is exactly what ``rnacorpus annotate`` prints and what the harvest
uses (through :func:`annotate_sample`). The steps:

1. the key decides which fields the value may feed (:mod:`.fields`); a key outside them yields nothing;
2. an empty value yields nothing; a placeholder (N/A, --, unknown, not applicable …) yields the key's
   primary field *unmapped* with that reason, never a term;
3. by key kind: sex words; ages (:mod:`.age`) and the stage an explicit notation implies (:mod:`.stage`);
   stage words; organism names (our NCBITaxon table); strain / genotype / treatment kept as text;
   everything else through the free-text path (:mod:`.freetext`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rnacorpus.harmonize.memo import memoize
from rnacorpus.harmonize.ontology.age import parse_age
from rnacorpus.harmonize.ontology.assay import AssayCall, assay_of_text
from rnacorpus.harmonize.ontology.build import age_annotation, age_stage, implied_stage, mapped, recorded, unmapped
from rnacorpus.harmonize.ontology.curated import Taxon, resolve_taxon, strain_taxon, taxon_named
from rnacorpus.harmonize.ontology.fields import TEXT_FIELDS, KeyInfo, detect_key
from rnacorpus.harmonize.ontology.freetext import annotate_free_text, unmapped_primary
from rnacorpus.harmonize.ontology.index import OntologyIndex, get_index, is_process_index
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import find_mentions
from rnacorpus.harmonize.ontology.normalize import clean, tokens
from rnacorpus.harmonize.ontology.releases import TAXON_TABLE_RELEASE
from rnacorpus.harmonize.ontology.stage import stage_for_age, stage_from_age_span
from rnacorpus.schemas import Annotation

__all__ = [
    "PLACEHOLDERS",
    "Explanation",
    "annotate_characteristic",
    "explain_characteristic",
    "is_placeholder",
]

#: values that say "no information" (compared lower-cased, trailing dots ignored)
PLACEHOLDERS = frozenset(
    {
        "na", "n/a", "n.a", "nan", "null", "none", "unknown", "unk", "unknow", "missing", "nd", "n.d",
        "unspecified", "undetermined", "undefined", "other", "tbd", "not applicable", "not available",
        "not known", "not determined", "not specified", "not provided", "not collected", "not reported",
        "not recorded", "no data", "no information", "not given",
    }
)  # fmt: skip
_ONLY_PUNCTUATION = re.compile(r"^[\s\-–—_.?/\\*#]*$")
_MALE = frozenset({"male", "man", "boy"})
_FEMALE = frozenset({"female", "woman", "girl"})
_MIXED_SEX = "PATO:0001338"
#: an age summarizing a group (average age of pooled donors) states no individual's stage
_SUMMARY_KEY = re.compile(r"\b(?:average|mean|median|avg)\b")


@dataclass(frozen=True)
class Explanation:
    """What one characteristic yields; ``reason`` says why when it yields nothing."""

    key: str | None
    value: str
    annotations: list[Annotation] = field(default_factory=list)
    reason: str | None = None


def is_placeholder(value: str) -> bool:
    text = value.strip().lower()
    return bool(_ONLY_PUNCTUATION.match(text)) or text.rstrip(".") in PLACEHOLDERS or text in PLACEHOLDERS


def _sex(info: KeyInfo, value: str, taxid: int | None, index: OntologyIndex) -> list[Annotation]:
    found = match_text("sex", value, taxid=taxid, fuzzy=False, index=index)
    if found is not None:
        return [mapped("sex", info.key, value, found.term_id, found.method, found.confidence, index)]
    words = set(tokens(value))
    male, female = bool(words & _MALE), bool(words & _FEMALE)
    if male and female:
        return [
            mapped(
                "sex",
                info.key,
                value,
                _MIXED_SEX,
                "normalized",
                0.85,
                index,
                reason="both sexes named (pooled)",
            )
        ]
    if male or female:
        term = "PATO:0000384" if male else "PATO:0000383"
        return [mapped("sex", info.key, value, term, "normalized", 0.85, index, reason="sex word in the value")]
    return [unmapped("sex", info.key, value, "no sex term recognized")]


def _stage_words(info: KeyInfo, value: str, taxid: int | None, index: OntologyIndex) -> Annotation | None:
    found = find_mentions(value, ("development_stage",), taxid, index).for_field("development_stage")
    if not found:
        return None
    terms = {m.match.term_id for m in found}
    best = next((m for m in found if not any(index.is_ancestor(m.match.term_id, t) for t in terms)), found[0])
    method = best.match.method if best.whole else "normalized"
    return mapped("development_stage", info.key, value, best.match.term_id, method, best.match.confidence, index)


def _age(info: KeyInfo, value: str, taxid: int | None, index: OntologyIndex, unit_hint: str | None) -> list[Annotation]:
    age = parse_age(value, key_unit=info.age_unit or unit_hint, taxid=taxid)
    stage_word = _stage_words(info, value, taxid, index)
    if age is None:
        if stage_word is not None:
            return [stage_word]
        return [unmapped(info.primary or "age", info.key, value, "no age or stage recognized in the text")]
    unit_from = "value" if age.reason is None else "default"
    why: str | None
    if info.age_unit and age.unit == info.age_unit:
        unit_from, why = "key", f"unit from the key {info.key!r}"
    elif unit_hint and age.unit == unit_hint and info.age_unit is None:
        unit_from, why = "sample", "unit from the sample's time-unit characteristic"
    else:
        why = age.reason
    confidence = {"value": 0.95, "key": 0.9, "sample": 0.85, "default": 0.7}[unit_from]
    out = [age_annotation(info.key, value, age, confidence, why if age.parsed else None)]
    stage = stage_for_age(age, taxid, index) if age.parsed else None
    plain = None
    if stage is None and age.parsed and not _SUMMARY_KEY.search(info.normalized):
        plain = stage_from_age_span(age, taxid, index)
    finer = stage or plain
    if stage_word is not None and finer is not None and index.is_ancestor(stage_word.term_id or "", finer):
        stage_word = None  # "postnatal day 21", "adult (8 weeks)": the age's stage is more precise
    if stage_word is not None:
        out.append(stage_word)
    elif stage is not None:
        out.append(implied_stage(info.key, value, stage, index))
    elif plain is not None:
        out.append(age_stage(info.key, value, plain, index))
    return out


def _taxon(info: KeyInfo, value: str, taxon: Taxon, method: str, confidence: float, reason: str | None) -> Annotation:
    return Annotation(
        field="organism",
        raw_key=info.key,
        raw_value=value,
        term_id=taxon.term_id,
        term_label=taxon.scientific_name,
        method=method,
        confidence=confidence,
        ontology_release=f"NCBITaxon {TAXON_TABLE_RELEASE}",
        reason=reason,
    )


def _organism(info: KeyInfo, value: str) -> list[Annotation]:
    taxon = taxon_named(value)
    if taxon is None:
        return [unmapped("organism", info.key, value, "organism not in rnacorpus's taxon table")]
    exact = clean(value).casefold() == taxon.scientific_name.casefold()
    method, confidence = ("exact_label", 1.0) if exact else ("exact_synonym", 0.95)
    return [_taxon(info, value, taxon, method, confidence, None)]


def _text(info: KeyInfo, value: str) -> list[Annotation]:
    """Strain, genotype, treatment: kept as text; a laboratory strain also names its species."""
    out = [recorded(info.kind, info.key, value, "kept as deposited text; no ontology for this field")]
    taxon = strain_taxon(value) if info.kind == "strain" else None
    if taxon is not None:
        out.append(_taxon(info, value, taxon, "strain", 0.9, f"laboratory strain of {taxon.scientific_name}"))
    return out


def _assay_key(info: KeyInfo, value: str, index: OntologyIndex) -> list[Annotation]:
    found = assay_of_text(value)
    if found is False:
        return [unmapped("assay", info.key, value, "names an instrument or nothing specific, not an assay")]
    if not isinstance(found, AssayCall):
        return []
    return [mapped("assay", info.key, value, found.term_id, found.method, found.confidence, index, reason=found.reason)]


def _dispatch(
    info: KeyInfo, value: str, taxid: int | None, index: OntologyIndex, unit_hint: str | None
) -> list[Annotation]:
    if info.kind in TEXT_FIELDS:
        return _text(info, value)
    if info.kind == "sex":
        return _sex(info, value, taxid, index)
    if info.kind == "age":
        return _age(info, value, taxid, index, unit_hint)
    if info.kind == "development_stage":
        found = _age(info, value, taxid, index, unit_hint)
        return [a for a in found if not (a.field == "age" and a.method == "unmapped")] or found
    if info.kind == "organism":
        return _organism(info, value)
    if info.kind == "assay":
        return _assay_key(info, value, index)
    return annotate_free_text(info, value, taxid, index)


def explain_characteristic(
    key: str | None,
    value: str,
    *,
    organism: str | int | None = None,
    unit_hint: str | None = None,
    index: OntologyIndex | None = None,
) -> Explanation:
    """The decisions for one characteristic, with the reason when there are none.

    ``unit_hint`` is an age unit stated elsewhere in the same sample (a TimeUnit characteristic).
    With the process-wide index the answer is computed once per ``(key, value, organism, unit_hint)``
    (:mod:`rnacorpus.harmonize.memo`); the annotations it holds are shared and read-only.
    """
    taxid = resolve_taxon(organism)
    if is_process_index(index):
        return _explain_memoized(key, value, taxid, unit_hint)
    assert index is not None
    return _explain(key, value, taxid, unit_hint, index)


@memoize(maxsize=1 << 15)
def _explain_memoized(key: str | None, value: str, taxid: int | None, unit_hint: str | None) -> Explanation:
    return _explain(key, value, taxid, unit_hint, get_index())


def _explain(
    key: str | None, value: str, taxid: int | None, unit_hint: str | None, index: OntologyIndex
) -> Explanation:
    info = detect_key(key)
    if info.kind == "none":
        return Explanation(key, value, reason=info.reason)
    text = clean(value)
    if not text:
        return Explanation(key, value, reason="empty value")
    if is_placeholder(text) and not (info.kind == "disease" and text.lower() == "none"):
        if info.kind in TEXT_FIELDS or info.kind in {"source", "status"}:
            return Explanation(key, value, reason=f"placeholder value {value!r}")
        return Explanation(key, value, unmapped_primary(info, value, f"placeholder value {value!r}"))
    found = _dispatch(info, value, taxid, index, unit_hint)
    if not found:
        return Explanation(key, value, reason=f"no {', '.join(info.fields)} term recognized in the value")
    return Explanation(key, value, found)


def annotate_characteristic(key: str | None, value: str, *, organism: str | int | None = None) -> list[Annotation]:
    """One :class:`Annotation` per field the characteristic yields (empty when it yields none)."""
    return explain_characteristic(key, value, organism=organism).annotations
