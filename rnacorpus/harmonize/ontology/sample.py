"""A sample's characteristics → one harmonized decision per field, and its ``samples`` columns.

Evidence: every characteristic (``key: value`` as deposited), the source name, the library strategy
/ source and GEO sample type (for the assay). Titles and descriptions are not used: they name
conditions and replicates far more often than tissues, and a guess is worse than a gap.

A unit stated in its own characteristic (MAGE-TAB ``TimeUnit: day``, ``age unit: months``) applies to
unit-less ages of the same sample.

Conflicts are resolved per field, in this order (:func:`resolve_fields`):

1. a decision with a term (or a parsed age) beats one without;
2. evidence strength: a key dedicated to the field (``tissue: …`` for tissue) > another key that
   mentions it (``source_name: … liver``) > a derived decision (``disease_site``, ``cell_line_origin``);
3. within the strongest evidence, a mapped decision whose term descends from the chosen one replaces
   it (``tissue: brain`` with ``source_name: hippocampus`` → hippocampus); unrelated terms are kept
   out and named in the reason;
4. then higher confidence, then deposited order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rnacorpus.harmonize.memo import memoize
from rnacorpus.harmonize.ontology.age import canonical_unit
from rnacorpus.harmonize.ontology.annotate import explain_characteristic
from rnacorpus.harmonize.ontology.assay import sample_assay
from rnacorpus.harmonize.ontology.build import mapped
from rnacorpus.harmonize.ontology.curated import resolve_taxon
from rnacorpus.harmonize.ontology.fields import detect_key, normalize_key
from rnacorpus.harmonize.ontology.index import OntologyIndex, get_index
from rnacorpus.schemas import Annotation, Characteristic, Platform, Sample

__all__ = [
    "SAMPLE_FIELD_COLUMNS",
    "SampleEvidence",
    "annotate_sample",
    "annotate_samples",
    "characteristic_annotations",
    "resolve_fields",
    "resolved_sample_fields",
    "sample_evidence",
    "sample_fields",
]

#: the ``samples`` columns this module fills (a subset of the catalog's harmonized columns)
SAMPLE_FIELD_COLUMNS = (
    "tissue_id",
    "tissue_label",
    "cell_type_id",
    "cell_type_label",
    "disease_id",
    "disease_label",
    "sex_id",
    "sex_label",
    "age_value",
    "age_min",
    "age_max",
    "age_unit",
    "development_stage_id",
    "development_stage_label",
    "cell_line",
    "cell_line_id",
    "assay_id",
    "assay_label",
)
_UNIT_KEY = re.compile(r"^(?:time ?unit|age ?units?|unit of age|units? of time)$")
_DERIVED = frozenset({"disease_site", "cell_line_origin", "cell_type_origin"})


def _unit_hint(pairs: Iterable[tuple[str | None, str]]) -> str | None:
    for key, value in pairs:
        if _UNIT_KEY.match(normalize_key(key)):
            unit = canonical_unit(value)
            if unit:
                return unit
    return None


def _pair_annotations(pairs: Sequence[tuple[str | None, str]], taxid: int | None) -> list[Annotation]:
    """:func:`characteristic_annotations` of ``(key, value)`` pairs (no model built per characteristic)."""
    hint = _unit_hint(pairs)
    index = get_index()
    found: list[Annotation] = []
    for key, value in pairs:
        found.extend(explain_characteristic(key, value, organism=taxid, unit_hint=hint, index=index).annotations)
    return found


def characteristic_annotations(
    characteristics: Sequence[Characteristic], *, organism: str | int | None = None
) -> list[Annotation]:
    """Every decision of every characteristic (before conflict resolution), in deposited order."""
    return _pair_annotations([(item.key, item.value) for item in characteristics], resolve_taxon(organism))


def _has_decision(annotation: Annotation) -> bool:
    if annotation.field == "age":
        return annotation.method == "parsed"
    return annotation.term_id is not None or (annotation.field == "cell_line" and annotation.method == "recorded")


def _evidence_rank(annotation: Annotation) -> int:
    if annotation.method in _DERIVED:
        return 2
    return 0 if detect_key(annotation.raw_key).primary == annotation.field else 1


def _resolve_one(candidates: list[Annotation], index: OntologyIndex) -> Annotation:
    if len(candidates) == 1:  # most fields have one candidate: it is chosen and has nothing to conflict with
        return candidates[0]
    ordered = sorted(
        enumerate(candidates),
        key=lambda item: (not _has_decision(item[1]), _evidence_rank(item[1]), -item[1].confidence, item[0]),
    )
    chosen = ordered[0][1]
    if chosen.term_id is None:
        return chosen
    term = chosen.term_id
    named = [(a, a.term_id) for a in candidates if a.term_id and a.method not in _DERIVED and a is not chosen]
    for other, other_term in named:
        if index.is_ancestor(term, other_term):
            chosen, term = other, other_term
    conflicts = [a for a, t in named if t != term and not index.is_ancestor(t, term)]
    if conflicts:
        note = "; ".join(f"{a.raw_key or 'value'} says {a.term_label or a.term_id}" for a in conflicts)
        chosen = chosen.model_copy(
            update={"reason": "; ".join(filter(None, [chosen.reason, f"other evidence: {note}"]))}
        )
    return chosen


def resolve_fields(annotations: Iterable[Annotation]) -> list[Annotation]:
    """One decision per field, by the rule in the module docstring; fields in first-seen order."""
    by_field: dict[str, list[Annotation]] = {}
    for annotation in annotations:
        by_field.setdefault(annotation.field, []).append(annotation)
    index = get_index()
    return [_resolve_one(candidates, index) for candidates in by_field.values()]


def _assay(evidence: SampleEvidence) -> Annotation | None:
    """The assay the sample's own fields state, decided once per distinct library/platform part of
    the evidence (a corpus states few; the characteristics play no part in it)."""
    return _assay_of(replace(evidence, taxid=None, characteristics=()))


@memoize(maxsize=1 << 12)
def _assay_of(sample: SampleEvidence) -> Annotation | None:
    """:func:`~rnacorpus.harmonize.ontology.assay.sample_assay` of the evidence, as an annotation."""
    found = sample_assay(
        protocols=sample.protocols,
        library_strategy=sample.library_strategy,
        library_source=sample.library_source,
        molecule=sample.molecule,
        sample_type=sample.sample_type,
        platform_technology=sample.platform_technology,
        platform_title=sample.platform_title,
    )
    if found is None:
        return None
    key, call = found
    return mapped("assay", key, call.text, call.term_id, call.method, call.confidence, get_index(), reason=call.reason)


@dataclass(frozen=True)
class SampleEvidence:
    """Everything :func:`annotate_sample` reads from a sample, as a hashable value.

    Characteristics whose key feeds no field (and is no age-unit key) yield nothing, so they are
    left out: samples that differ only in an individual ID or a replicate number share evidence and
    are annotated once.
    """

    taxid: int | None
    characteristics: tuple[tuple[str | None, str], ...]
    library_strategy: str | None
    library_source: str | None
    sample_type: str | None
    molecule: str | None = None
    #: extract / library-construction protocols and processing notes (they name single-cell chemistries)
    protocols: tuple[str, ...] = ()
    platform_technology: str | None = None
    platform_title: str | None = None


def _feeds_a_field(key: str | None) -> bool:
    return detect_key(key).kind != "none" or bool(_UNIT_KEY.match(normalize_key(key)))


#: sample attributes whose text may name the assay's technology
_PROTOCOL_ATTRIBUTES = re.compile(r"extract_protocol|library_construction|library_protocol|data_processing")


class _KeyFacts:
    """What :func:`sample_evidence` asks of a characteristic key or an attribute name, each answered
    once per distinct name (a study's samples repeat the same few keys; one instance serves a batch)."""

    def __init__(self) -> None:
        self.feeds: dict[str | None, bool] = {}
        self.source_name: dict[str | None, bool] = {}
        self.protocols: dict[tuple[str, ...], list[str]] = {}

    def feeds_a_field(self, key: str | None) -> bool:
        known = self.feeds.get(key)
        if known is None:
            known = self.feeds[key] = _feeds_a_field(key)
        return known

    def is_source_name(self, key: str | None) -> bool:
        known = self.source_name.get(key)
        if known is None:
            known = self.source_name[key] = normalize_key(key) == "source name"
        return known

    def protocol_names(self, attributes: dict[str, list[str]]) -> list[str]:
        """The attributes that may name the assay's technology, in the record's order."""
        names = tuple(attributes)
        known = self.protocols.get(names)
        if known is None:
            known = self.protocols[names] = [name for name in names if _PROTOCOL_ATTRIBUTES.search(name)]
        return known


def sample_evidence(sample: Sample, platform: Platform | None = None, facts: _KeyFacts | None = None) -> SampleEvidence:
    facts = facts or _KeyFacts()
    pairs = [(c.key, c.value) for c in sample.characteristics]
    if sample.source_name and not any(facts.is_source_name(key) for key, _ in pairs):
        pairs.append(("source_name", sample.source_name))
    return SampleEvidence(
        taxid=sample.organism_taxid,
        characteristics=tuple((key, value) for key, value in pairs if facts.feeds_a_field(key)),
        library_strategy=sample.library_strategy,
        library_source=sample.library_source,
        sample_type=sample.sample_type,
        molecule=sample.molecule,
        protocols=tuple(text for name in facts.protocol_names(sample.attributes) for text in sample.attributes[name]),
        platform_technology=platform.technology if platform else None,
        platform_title=platform.title if platform else None,
    )


@memoize(maxsize=1 << 14)
def _annotate_evidence(evidence: SampleEvidence) -> tuple[Annotation, ...]:
    found = _pair_annotations(evidence.characteristics, evidence.taxid)
    assay = _assay(evidence)
    if assay is not None:
        found.append(assay)
    return tuple(resolve_fields(found))


def annotate_sample(sample: Sample, platform: Platform | None = None) -> list[Annotation]:
    """One harmonized decision per field for ``sample``, each keeping its raw key and value;
    ``platform`` (the sample's GPL record) tells arrays apart when no library strategy is given.

    Memoized per distinct :class:`SampleEvidence`; the annotations are shared and read-only."""
    return list(_annotate_evidence(sample_evidence(sample, platform)))


def annotate_samples(samples: Iterable[Sample], platforms: Iterable[Platform] = ()) -> list[list[Annotation]]:
    """:func:`annotate_sample` for a study's samples as one batch: each distinct evidence once."""
    by_accession = {platform.accession: platform for platform in platforms}
    decided: dict[SampleEvidence, tuple[Annotation, ...]] = {}
    facts = _KeyFacts()
    out = []
    for sample in samples:
        evidence = sample_evidence(sample, by_accession.get(sample.platform_accession or ""), facts)
        found = decided.get(evidence)
        if found is None:
            found = decided[evidence] = _annotate_evidence(evidence)
        out.append(list(found))
    return out


def sample_fields(annotations: Sequence[Annotation]) -> dict[str, Any]:
    """The harmonized ``samples`` columns (:data:`SAMPLE_FIELD_COLUMNS`) from a sample's annotations."""
    return resolved_sample_fields(resolve_fields(annotations))


def resolved_sample_fields(decisions: Iterable[Annotation]) -> dict[str, Any]:
    """:func:`sample_fields` of decisions already resolved to one per field (:func:`annotate_sample`'s
    answer): resolving them again would choose the same ones."""
    row: dict[str, Any] = dict.fromkeys(SAMPLE_FIELD_COLUMNS)
    for annotation in decisions:
        name = annotation.field
        if name == "age":
            if annotation.method == "parsed":
                row.update(
                    age_value=annotation.age_value,
                    age_min=annotation.age_min,
                    age_max=annotation.age_max,
                    age_unit=annotation.age_unit,
                )
        elif name == "cell_line":
            row["cell_line"] = annotation.term_label or annotation.raw_value
            row["cell_line_id"] = annotation.term_id
        elif f"{name}_id" in row and annotation.term_id:
            row[f"{name}_id"] = annotation.term_id
            row[f"{name}_label"] = annotation.term_label
    return row
