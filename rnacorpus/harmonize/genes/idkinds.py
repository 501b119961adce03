"""What kind of identifier each input is, decided by its shape, vectorised over Arrow strings.

The order of the tests is the order of trust: counting artefacts and spike-ins are dropped before
anything else (``ERCC-00002`` is a spike-in, ``ERCC2`` a gene); Ensembl and Entrez IDs are read as
IDs; RefSeq accessions and array probe IDs by their well-known shapes; the rest is a symbol.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harmonize.genes.organisms import Organism

__all__ = ["KIND_NAMES", "ClassifiedIds", "Kind", "classify_ids", "normalise_text"]


class Kind:
    """Integer codes (small, for numpy arrays); names in :data:`KIND_NAMES`."""

    EMPTY = 0
    ARTEFACT = 1
    SPIKE_IN = 2
    CONTROL = 3
    ENSEMBL = 4
    OTHER_SPECIES = 5
    ENSEMBL_OTHER = 6  # transcript IDs (ENST…, ENSMUST…): mapped to their parent gene
    PROTEIN = 12  # Ensembl protein / exon IDs: not gene identifiers
    ENTREZ = 7
    REFSEQ = 8
    PROBE = 9
    SYMBOL = 10
    AUTHORITY = 11  # HGNC:5 / MGI:87853, the nomenclature authorities' own IDs


KIND_NAMES = (
    "empty",
    "counting_artefact",
    "spike_in",
    "control_probe",
    "ensembl",
    "other_species",
    "ensembl_transcript",
    "entrez",
    "refseq",
    "probe",
    "symbol",
    "authority_id",
    "ensembl_non_gene",
)

_EMPTY_RE = r"^(|NA|N/A|NAN|NULL|NONE|-+|\?)$"
# HTSeq (__no_feature …), STAR ReadsPerGene (N_unmapped …), featureCounts summary rows (Unassigned_…)
_ARTEFACT_RE = r"^(__[A-Za-z_]+|N_(unmapped|multimapping|noFeature|ambiguous)|Unassigned_[A-Za-z_]+|Assigned)$"
# ERCC spike-ins have five digits (ERCC1…ERCC8 are human genes); SIRVs are Lexogen's spike-ins
_SPIKE_RE = r"^(ERCC[-_]\d{5}(\.\d+)?|SIRV\d+[A-Z0-9]*|RNA_SPIKE_\S+)$"
_CONTROL_RE = (
    r"^(AFFX[-_]\S+|\(?[+-]\)?E1A_R60\S*|\([+-]\)\S+|DARKCORNER|GE_BRIGHTCORNER|BRIGHTCORNER"
    r"|NEGATIVECONTROL\S*)$"
)
ENSEMBL_GENE_RE = r"^(ENS[A-Z]*G\d{11})(\.\d+)?(_PAR_Y)?([|_:;,\s].*)?$"
_ENSEMBL_OTHER_RE = r"^ENS[A-Z]*[TPE]\d{11}(\.\d+)?$"
_TRANSCRIPT_PARTS_RE = r"^(?P<id>ENS[A-Z]*T\d{11})(?:\.\d+)?(?:_PAR_Y)?$"
# plain integers, integers written as floats (7157.0), and TCGA-style SYMBOL|7157
ENTREZ_RE = r"^(?:[^|]+\|)?(\d+)(?:\.0+)?$"
_REFSEQ_RE = r"^([NX][MR]_\d+)(\.\d+)?$"
_ENSEMBL_PARTS_RE = r"^(?P<id>ENS[A-Z]*G\d{11})(?:\.(?P<version>\d+))?(?:_PAR_Y)?(?:[|_:;,\s].*)?$"
_AUTHORITY_RE = r"^(HGNC|MGI):\d+$"
_PROBE_RE = r"^(\S+_(S_|X_|A_|I_|F_|R_|G_)?(AT|ST)|ILMN_\d+|A_\d+_P\d+)$"


@dataclass(frozen=True)
class ClassifiedIds:
    text: pa.Array  # trimmed, unquoted input
    upper: pa.Array  # upper-cased ``text``: the lookup key for symbols
    kind: npt.NDArray[np.int8]
    #: unversioned upper-case Ensembl gene ID (ENSEMBL rows), else null
    ensembl_key: pa.Array
    #: the version the input carried (ENSEMBL rows with one), else null
    ensembl_version: pa.Array
    #: digits of an Entrez ID (ENTREZ rows), else null
    entrez_key: pa.Array
    refseq_key: pa.Array
    #: upper-case ``HGNC:n`` / ``MGI:n`` (AUTHORITY rows), else null
    authority_key: pa.Array
    #: unversioned upper-case transcript ID (ENSEMBL_OTHER rows), else null
    transcript_key: pa.Array


def normalise_text(values: pa.Array) -> pa.Array:
    """Trim whitespace and surrounding quotes (files written by R and Excel quote their cells)."""
    text = pc.utf8_trim_whitespace(values)
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, pattern=r"^[\"']+|[\"']+$", replacement=""))


def _matches(values: pa.Array, pattern: str, where: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.bool_]:
    """Regex test; with ``where``, only on those rows (a cheap prefix test narrows most passes)."""
    if where is None:
        return np.asarray(pc.fill_null(pc.match_substring_regex(values, pattern=pattern), False), dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    rows = np.flatnonzero(where)
    if len(rows):
        subset = pc.take(values, pa.array(rows))
        out[rows] = np.asarray(pc.fill_null(pc.match_substring_regex(subset, pattern=pattern), False), dtype=bool)
    return out


def _extract(values: pa.Array, pattern: str) -> pa.Array:
    return pc.struct_field(pc.extract_regex(values, pattern=pattern), [0])


def _starts(values: pa.Array, *prefixes: str) -> npt.NDArray[np.bool_]:
    hit = np.zeros(len(values), dtype=bool)
    for prefix in prefixes:
        hit |= np.asarray(pc.fill_null(pc.starts_with(values, prefix), False), dtype=bool)
    return hit


def _ends(values: pa.Array, *suffixes: str) -> npt.NDArray[np.bool_]:
    hit = np.zeros(len(values), dtype=bool)
    for suffix in suffixes:
        hit |= np.asarray(pc.fill_null(pc.ends_with(values, suffix), False), dtype=bool)
    return hit


def _kinds(text: pa.Array, upper: pa.Array, organism: Organism) -> npt.NDArray[np.int8]:
    kind = np.full(len(text), Kind.SYMBOL, dtype=np.int8)
    undecided = np.ones(len(text), dtype=bool)

    def claim(mask: npt.NDArray[np.bool_], code: int) -> None:
        hit = mask & undecided
        kind[hit] = code
        undecided[hit] = False

    lengths = np.asarray(pc.utf8_length(upper), dtype=np.int64)
    claim(_matches(upper, _EMPTY_RE, lengths <= 4), Kind.EMPTY)
    claim(_matches(text, _ARTEFACT_RE, _starts(text, "__", "N_", "Unassigned_", "Assigned")), Kind.ARTEFACT)
    claim(_matches(upper, _SPIKE_RE, _starts(upper, "ERCC", "SIRV", "RNA_SPIKE")), Kind.SPIKE_IN)
    control_like = _starts(upper, "AFFX", "(", "DARK", "GE_", "BRIGHT", "NEGATIVE", "E1A", "+", "-")
    claim(_matches(upper, _CONTROL_RE, control_like), Kind.CONTROL)
    ens = _starts(upper, "ENS")
    is_ensembl = _matches(upper, ENSEMBL_GENE_RE, ens)
    claim(is_ensembl & _matches(upper, rf"^{organism.ensembl_gene_prefix}\d", is_ensembl), Kind.ENSEMBL)
    claim(is_ensembl, Kind.OTHER_SPECIES)
    transcript_prefix = organism.ensembl_gene_prefix[:-1] + "T"
    other = _matches(upper, _ENSEMBL_OTHER_RE, ens)
    claim(other & _matches(upper, rf"^{transcript_prefix}\d", other), Kind.ENSEMBL_OTHER)
    claim(other & _matches(upper, r"^ENS[A-Z]*T\d", other), Kind.OTHER_SPECIES)
    claim(other, Kind.PROTEIN)
    digits = np.asarray(pc.fill_null(pc.utf8_is_digit(upper), False), dtype=bool)
    claim(digits, Kind.ENTREZ)
    maybe_entrez = _ends(upper, "0") | np.asarray(pc.fill_null(pc.match_substring(upper, "|"), False), dtype=bool)
    claim(_matches(upper, ENTREZ_RE, maybe_entrez & undecided), Kind.ENTREZ)
    claim(_matches(upper, _REFSEQ_RE, _starts(upper, "NM_", "NR_", "XM_", "XR_")), Kind.REFSEQ)
    claim(_matches(upper, _AUTHORITY_RE, _starts(upper, "HGNC:", "MGI:")), Kind.AUTHORITY)
    probe_like = _ends(upper, "_AT", "_ST") | _starts(upper, "ILMN_", "A_")
    claim(_matches(upper, _PROBE_RE, probe_like & undecided), Kind.PROBE)
    return kind


def classify_ids(values: pa.Array, organism: Organism) -> ClassifiedIds:
    """Kind and lookup keys for each (unique) input string."""
    text = normalise_text(pc.cast(values, pa.string()))
    upper = pc.utf8_upper(text)
    n = len(text)
    kind = _kinds(text, upper, organism)
    ensembl_rows = pa.array(kind == Kind.ENSEMBL)
    null = pa.nulls(n, pa.string())
    ensembl_parts = pc.extract_regex(pc.if_else(ensembl_rows, upper, null), pattern=_ENSEMBL_PARTS_RE)
    entrez_rows = pa.array(kind == Kind.ENTREZ)
    refseq_rows = pa.array(kind == Kind.REFSEQ)
    return ClassifiedIds(
        text=text,
        upper=upper,
        kind=kind,
        ensembl_key=pc.struct_field(ensembl_parts, [0]),
        ensembl_version=pc.struct_field(ensembl_parts, [1]),
        entrez_key=_extract(pc.if_else(entrez_rows, upper, null), r"^(?:[^|]+\|)?(?P<d>\d+)(?:\.0+)?$"),
        refseq_key=_extract(pc.if_else(refseq_rows, upper, null), r"^(?P<r>[NX][MR]_\d+)(?:\.\d+)?$"),
        authority_key=pc.if_else(pa.array(kind == Kind.AUTHORITY), upper, null),
        transcript_key=_extract(pc.if_else(pa.array(kind == Kind.ENSEMBL_OTHER), upper, null), _TRANSCRIPT_PARTS_RE),
    )
