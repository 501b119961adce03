"""The assay of a sample: bulk RNA-seq, single-cell or single-nucleus (with the chemistry when it is
stated), an expression array, SAGE — as EFO terms, from everything a record says about it.

Texts, in order of trust: characteristics under assay keys (``library construction: 10x 3' v3``,
decided like any characteristic, :func:`assay_of_text`), then the sample's own fields:

1. the extract / library protocols and the library source name a technology or a modality
   (reviewed patterns, ``data/assay_patterns.tsv``): nuclei → single-nucleus RNA-seq (the chemistry
   named in the reason), a single-cell chemistry → its term (10x 3' v2/v3, 5', Smart-seq2, Drop-seq …),
   "single cell" alone → single-cell RNA-seq;
2. the library strategy (``RNA-Seq`` → RNA-Seq; ``OTHER`` with a transcriptomic source →
   transcription profiling by high-throughput sequencing; any other EFO-named strategy as named);
3. no strategy (arrays and SAGE predate SRA): the platform's technology or title, then GEO's sample
   type (``RNA``/``cDNA`` on an array platform → transcription profiling by array; ``SAGE``).

A sample whose molecule is RNA always gets an assay: the generic term when nothing more is said.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rnacorpus.harmonize.memo import memoize
from rnacorpus.harmonize.ontology.curated import DATA_DIR
from rnacorpus.harmonize.ontology.match import match_text

__all__ = ["AssayCall", "assay_of_text", "assay_patterns", "sample_assay"]

ARRAY = "EFO:0002768"  # transcription profiling by array
SEQUENCING = "EFO:0002770"  # transcription profiling by high throughput sequencing
RNA_SEQ = "EFO:0008896"
SAGE = "EFO:0002941"
SINGLE_CELL = "EFO:0008913"
SINGLE_NUCLEUS = "EFO:0009809"
_ARRAY_TECHNOLOGY = re.compile(r"oligonucleotide|spotted|array|beadchip|genechip|in situ", re.IGNORECASE)
_SAGE_TECHNOLOGY = re.compile(r"\bsage\b", re.IGNORECASE)
_RNA = re.compile(r"rna|transcriptom", re.IGNORECASE)


@dataclass(frozen=True)
class AssayPattern:
    pattern: re.Pattern[str]
    term_id: str | None
    kind: str
    note: str


@dataclass(frozen=True)
class AssayCall:
    term_id: str
    kind: str
    method: str
    confidence: float
    text: str
    reason: str


@functools.cache
def assay_patterns() -> tuple[AssayPattern, ...]:
    lines = [line for line in (DATA_DIR / "assay_patterns.tsv").read_text(encoding="utf-8").splitlines()]
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")][1:]
    return tuple(
        AssayPattern(re.compile(pattern, re.IGNORECASE), None if term == "-" else term, kind, note)
        for pattern, term, kind, note in rows
    )


@memoize(maxsize=1 << 14)
def _pattern_of(text: str) -> AssayPattern | None:
    return next((p for p in assay_patterns() if p.pattern.search(text)), None)


def assay_of_text(text: str) -> AssayCall | bool | None:
    """The assay a piece of text names: a call, ``False`` when it names something that is no assay
    (an instrument, OTHER), None when it says nothing about the assay."""
    found = _pattern_of(text)
    if found is not None:
        if found.term_id is None:
            return False
        return AssayCall(found.term_id, found.kind, "curated", 0.9, text, found.note)
    match = match_text("assay", text, fuzzy=False)
    if match is not None and not match.ambiguous:
        return AssayCall(match.term_id, "", match.method, match.confidence, text, "EFO name")
    return None


def sample_assay(
    *,
    protocols: tuple[str, ...],
    library_strategy: str | None,
    library_source: str | None,
    molecule: str | None,
    sample_type: str | None,
    platform_technology: str | None,
    platform_title: str | None,
) -> tuple[str, AssayCall] | None:
    """(field the evidence came from, call) for a sample's own fields, by the module docstring's order."""
    technology = _technology(protocols, library_source)
    strategy = (library_strategy or "").strip()
    rna = bool(_RNA.search(" ".join(filter(None, (molecule, library_source, sample_type)))))
    if technology is not None and (rna or strategy.lower() in {"rna-seq", "scrna-seq", "snrna-seq"}):
        return technology
    if strategy:
        named = assay_of_text(strategy)
        if isinstance(named, AssayCall):
            return "library_strategy", named
        if rna:
            why = f"library strategy {strategy!r} on a transcriptomic library"
            return "library_strategy", AssayCall(SEQUENCING, "bulk", "curated", 0.75, strategy, why)
        return None
    platform = " ".join(filter(None, (platform_technology, platform_title)))
    if _SAGE_TECHNOLOGY.search(platform) or (sample_type or "").strip().upper() == "SAGE":
        return "platform", AssayCall(SAGE, "bulk", "curated", 0.85, platform or sample_type or "", "SAGE platform")
    if not rna and (molecule or library_source):
        return None  # DNA on an array (CGH, methylation): no expression assay to state
    if _ARRAY_TECHNOLOGY.search(platform_technology or "") or (sample_type or "").strip().upper() == "RNA":
        why = f"array platform ({platform_technology or 'GEO sample type RNA'}) with no library strategy"
        return "platform", AssayCall(ARRAY, "array", "curated", 0.8, platform or sample_type or "", why)
    if rna and platform:
        why = "RNA on a platform with no sequencing strategy: a hybridization array"
        return "platform", AssayCall(ARRAY, "array", "curated", 0.7, platform, why)
    return None


def _technology(protocols: tuple[str, ...], library_source: str | None) -> tuple[str, AssayCall] | None:
    """A single-cell / single-nucleus technology the protocols or the library source name."""
    calls = []
    for field, text in [*(("protocol", p) for p in protocols), ("library_source", library_source or "")]:
        found = _pattern_of(text) if text else None
        if found is not None and found.term_id and found.kind in {"single_cell", "single_nucleus"}:
            calls.append((field, AssayCall(found.term_id, found.kind, "curated", 0.85, text[:200], found.note)))
    if not calls:
        return None
    nucleus = [c for c in calls if c[1].kind == "single_nucleus"]
    specific = [c for c in calls if c[1].term_id not in {SINGLE_CELL, SINGLE_NUCLEUS}]
    if nucleus:
        field, call = nucleus[0]
        chemistry = f"; chemistry: {specific[0][1].reason}" if specific and specific[0][1].kind == "single_cell" else ""
        return field, AssayCall(call.term_id, "single_nucleus", "curated", 0.85, call.text, call.reason + chemistry)
    return (specific or calls)[0]
