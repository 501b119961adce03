"""Probe IDs → genes through the platform's own annotation (GPL table, ``.annot.gz``, NCBI annot.tsv).

Gene columns are found by name and read in the order of the mapping rules: Ensembl gene IDs, then
Entrez IDs, then symbols, then RefSeq accessions. The first column that says anything about a probe
decides it; every token in that cell is resolved by the same rules as a bare identifier, and the
probe maps only when they all name one gene (``SNX3 /// NR2E1`` is ambiguous, never the first one).
Control rows (``CONTROL_TYPE`` pos/neg, ``SPOT_ID`` ``--Control``, ``AFFX-…``) are dropped.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harmonize.genes.idkinds import Kind, classify_ids, normalise_text
from rnacorpus.harmonize.genes.index import GeneIndex
from rnacorpus.harmonize.genes.resolve import (
    AMBIGUOUS_,
    DROPPED,
    MAPPED,
    PENDING,
    UNMAPPED,
    Resolution,
    resolve,
)

__all__ = ["GENE_COLUMNS", "PlatformColumns", "find_gene_columns", "resolve_platform"]

log = logging.getLogger(__name__)

#: normalised header (lower case, letters and digits only) → role, for the columns GEO tables use
GENE_COLUMNS: dict[str, str] = {
    **dict.fromkeys(("ensembl", "ensemblid", "ensemblgeneid", "ensemblgene", "ensg", "ensemblgeneids"), "ensembl"),
    **dict.fromkeys(
        (
            "geneid",
            "entrezgene",
            "entrezgeneid",
            "entrezid",
            "entrez",
            "gene",
            "locuslinkid",
            "locuslink",
            "entrezgeneids",
        ),
        "entrez",
    ),
    **dict.fromkeys(("genesymbol", "symbol", "ilmngene", "genesymbols", "orf"), "symbol"),
    **dict.fromkeys(("refseq", "refseqtranscriptid", "refseqid", "refseqaccession", "gbacc"), "refseq"),
}
_CONTROL_COLUMNS = ("controltype", "spotid", "platformspotid")
_ROLE_ORDER = ("ensembl", "entrez", "symbol", "refseq")
#: tokens a role accepts (RE2); an ENST in an "ENSEMBL_ID" column or free text in "GENE" is no gene ID
_ROLE_TOKEN = {
    "ensembl": r"^(?i)ENS[A-Z]*G\d{11}(\.\d+)?$",
    "entrez": r"^\d+$",
    "symbol": r"^[^\s].{0,40}$",
    "refseq": r"^(?i)[NX][MR]_\d+(\.\d+)?$",
}
_SPLIT_RE = r"\s*(?:/{2,3}|[,;|])\s*"


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class PlatformColumns:
    id_column: str
    genes: tuple[tuple[str, str], ...]  # (role, column name) in rule order
    controls: tuple[str, ...]


def find_gene_columns(table: pa.Table) -> PlatformColumns:
    """Which columns of a platform table hold gene IDs; the first column is the probe ID."""
    names = table.column_names
    found: dict[str, list[str]] = {}
    for position, name in enumerate(names):
        role = GENE_COLUMNS.get(_norm(name))
        if role is None or (position == 0 and role != "entrez"):
            continue  # the ID column is a gene column only when it is NCBI's GeneID
        found.setdefault(role, []).append(name)
    genes = tuple((role, name) for role in _ROLE_ORDER for name in found.get(role, []))
    controls = tuple(name for name in names if _norm(name) in _CONTROL_COLUMNS)
    return PlatformColumns(id_column=names[0], genes=genes, controls=controls)


def _control_mask(table: pa.Table, columns: PlatformColumns) -> npt.NDArray[np.bool_]:
    mask = np.zeros(table.num_rows, dtype=bool)
    for name in columns.controls:
        values = pc.utf8_lower(normalise_text(table[name].combine_chunks()))
        if _norm(name) == "controltype":
            hit = pc.invert(pc.is_in(values, value_set=pa.array(["", "false", "0", "no"])))
        else:
            hit = pc.match_substring(values, "--control")
        mask |= np.asarray(pc.fill_null(hit, False), dtype=bool)
    return mask


def resolve_platform(table: pa.Table, index: GeneIndex) -> tuple[pa.Array, Resolution] | None:
    """Probe IDs and their decisions; None when the table has no gene column at all."""
    columns = find_gene_columns(table)
    if not columns.genes:
        log.warning("platform table has no gene column (columns: %s)", ", ".join(table.column_names[:12]))
        return None
    probes = normalise_text(table[columns.id_column].combine_chunks())
    n = len(probes)
    res = Resolution(
        kind=np.zeros(n, dtype=np.int8),
        outcome=np.full(n, PENDING, dtype=np.int8),
        row=np.full(n, -1, dtype=np.int32),
        rule=np.full(n, "", dtype=object),
    )
    res.set(_control_mask(table, columns), DROPPED, "control_probe")
    shapes = classify_ids(probes, index.reference.organism).kind
    for kind, rule in (
        (Kind.CONTROL, "control_probe"),
        (Kind.SPIKE_IN, "spike_in"),
        (Kind.ARTEFACT, "counting_artefact"),
    ):
        res.set(shapes == kind, DROPPED, rule)
    for role, name in columns.genes:
        _decide_by_column(res, table[name].combine_chunks(), role, name, index)
    pending = res.pending()
    tried = np.zeros(n, dtype=bool)
    tried[list(res.notes)] = True
    res.set(pending & tried, UNMAPPED, "probe_gene_not_in_reference")
    res.set(pending & ~tried, UNMAPPED, "probe_without_gene")
    return probes, res


def _decide_by_column(res: Resolution, column: pa.Array, role: str, name: str, index: GeneIndex) -> None:
    cells = pc.split_pattern_regex(normalise_text(column), pattern=_SPLIT_RE)
    tokens = pc.list_flatten(cells)
    parent = np.asarray(pc.list_parent_indices(cells), dtype=np.int64)
    usable = np.asarray(pc.fill_null(pc.match_substring_regex(tokens, pattern=_ROLE_TOKEN[role]), False), dtype=bool)
    usable &= res.pending()[parent]
    if not usable.any():
        return
    tokens, parent = pc.filter(tokens, pa.array(usable)), parent[usable]
    unique = tokens.dictionary_encode()
    inner = resolve(unique.dictionary, index, expand=False)
    codes = np.asarray(unique.indices, dtype=np.int64)
    words = unique.dictionary.to_pylist()
    single = np.bincount(parent, minlength=len(res.outcome))[parent] == 1
    _decide_single_tokens(res, parent[single], codes[single], inner, words, role, name)
    by_probe: dict[int, list[int]] = {}
    for probe, code in zip(parent[~single].tolist(), codes[~single].tolist(), strict=True):
        by_probe.setdefault(probe, []).append(code)
    for probe, answers in by_probe.items():
        _decide_probe(res, probe, answers, inner, words, role, name)


def _decide_single_tokens(
    res: Resolution,
    probes: npt.NDArray[np.int64],
    codes: npt.NDArray[np.int64],
    inner: Resolution,
    words: list[str],
    role: str,
    name: str,
) -> None:
    """Probes whose cell holds one token, decided together: what :func:`_decide_probe` decides for a
    one-token answer, without a Python call per probe (a 54,675-probe array spent ~1 s there).

    An ambiguous token goes the per-probe way (its candidates are lists per probe).
    """
    outcome = inner.outcome[codes]
    ambiguous = outcome == AMBIGUOUS_
    for probe, code in zip(probes[ambiguous].tolist(), codes[ambiguous].tolist(), strict=True):
        _decide_probe(res, probe, [code], inner, words, role, name)
    used = np.unique(codes[~ambiguous])
    how = {int(k): f"{name}: {words[k]} via {inner.rule[k]}" for k in used.tolist()}
    mapped = outcome == MAPPED
    if mapped.any():
        res.notes.update(zip(probes[mapped].tolist(), [how[k] for k in codes[mapped].tolist()], strict=True))
        res.set(probes[mapped], MAPPED, f"platform_{role}", inner.row[codes[mapped]].astype(np.int32))
    # this column names no gene the reference knows; the next column may (an earlier column's note stays)
    silent = ~(mapped | ambiguous)
    for probe, code in zip(probes[silent].tolist(), codes[silent].tolist(), strict=True):
        res.notes.setdefault(probe, how[code])


def _decide_probe(
    res: Resolution, probe: int, answers: list[int], inner: Resolution, words: list[str], role: str, name: str
) -> None:
    answers = list(dict.fromkeys(answers))
    mapped = list(dict.fromkeys(int(inner.row[k]) for k in answers if inner.outcome[k] == MAPPED))
    claimed = [c for k in answers for c in inner.candidates.get(k, []) if inner.outcome[k] == AMBIGUOUS_]
    if not mapped and not claimed:
        # this column names no gene the reference knows; the next column may
        if probe not in res.notes:
            res.notes[probe] = f"{name}: " + "; ".join(f"{words[k]} via {inner.rule[k]}" for k in answers)
        return
    unresolved = [words[k] for k in answers if inner.outcome[k] not in (MAPPED, AMBIGUOUS_)]
    how = "; ".join(f"{words[k]} via {inner.rule[k]}" for k in answers)
    res.notes[probe] = f"{name}: {how}"
    if len(mapped) == 1 and not claimed and not unresolved:
        res.set(np.array([probe]), MAPPED, f"platform_{role}", np.array(mapped, dtype=np.int32))
    else:
        res.set(np.array([probe]), AMBIGUOUS_, f"platform_{role}")
        res.candidates[probe] = [*dict.fromkeys([*mapped, *claimed]), *unresolved]
